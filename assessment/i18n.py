"""Pick the Japanese or English side of a bilingual text for the active language."""

from django.utils.translation import get_language


def current_lang():
    return "ja" if (get_language() or "en").startswith("ja") else "en"


def localized(obj, field):
    """`localized(item, "text")` -> item.text_ja or item.text_en; dicts {"en", "ja"} work too."""
    lang = current_lang()
    if isinstance(obj, dict):
        return obj.get(lang) or obj.get("en", "")
    return getattr(obj, f"{field}_{lang}") or getattr(obj, f"{field}_en")
