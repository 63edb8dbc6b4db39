"""Labels shared by the deck and the data pack: the report's own (reports/labels.py)."""

from reports.labels import BAND_LABELS, band_label, radar_series, role_label

__all__ = ["BAND_LABELS", "band_label", "radar_series", "role_label"]
