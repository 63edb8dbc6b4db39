"""Labels shared by the deck and the data pack (the report's message ids, so translations are shared)."""

from django.utils.translation import gettext as _

BAND_LABELS = {
    "much_lower": lambda: _("executives much lower"),
    "lower": lambda: _("executives lower"),
    "similar": lambda: _("about the same"),
    "higher": lambda: _("executives higher"),
    "much_higher": lambda: _("executives much higher"),
}


def band_label(band):
    return BAND_LABELS[band]() if band in BAND_LABELS else None
