"""The framework's levels and the precision of published figures: pure Python, no pandas, so the
respondent and workshop pages can band a number without importing the scoring stack.

A level needs both its score minimum and its favourable-share minimum (framework file `levels`:
`min`, `favourable_min`; 1.0 has no share rule). Figures are rounded to whole points, half up,
before they are banded or compared with a trigger: a score shown as 60 is level 4 wherever a band
starts at 60.
"""

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .result_types import BandRow


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _half_up(value: float) -> float:
    # round(…, 9) first: a mean meant to be exactly x.5 may arrive as x.4999999999.
    return float(Decimal(repr(round(float(value), 9))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rounded(value: float | None) -> float | None:
    """A figure at its published precision: whole points, half up (59.5 → 60, −2.5 → −3)."""
    if value is None or _missing(value):
        return None
    return _half_up(value)


@dataclass(frozen=True)
class LevelBands:
    """The framework's levels: the one place that says which level a score and share reach."""

    mins: tuple[float, ...]  # score minimum of levels 1..n (inclusive)
    favourable_mins: tuple[float, ...] = ()  # favourable share minimum of levels 1..n (inclusive); () = none

    @classmethod
    def from_levels(cls, levels: Iterable[Mapping[str, Any]]) -> "LevelBands":
        """From a framework's `levels` list ({"level", "min", "favourable_min"?}), in level order."""
        ordered = sorted(levels, key=lambda level: int(level["level"]))
        shares = tuple(float(level["favourable_min"]) for level in ordered if "favourable_min" in level)
        return cls(tuple(float(level["min"]) for level in ordered), shares if len(shares) == len(ordered) else ())

    def level(self, score: float | None, favourable: float | None = None) -> int | None:
        """Level 1..n of a (rounded) score and favourable share, or None for a missing score."""
        by_score = self.score_level(score)
        if by_score is None or not self.favourable_mins:
            return by_score
        share = 0.0 if favourable is None or _missing(favourable) else _half_up(favourable)
        return max(1, min(by_score, bisect_right(self.favourable_mins, share)))

    def score_level(self, score: float | None) -> int | None:
        """The level the score alone reaches (no share rule)."""
        if score is None or _missing(score):
            return None
        return bisect_right(self.mins, _half_up(score))

    def limited_by_share(self, score: float | None, favourable: float | None) -> bool:
        """True where the favourable share, not the score, holds the level down."""
        if score is None or not self.favourable_mins:
            return False
        level, by_score = self.level(score, favourable), self.score_level(score)
        return level is not None and by_score is not None and level < by_score  # None: a NaN score

    def upper(self, level: int) -> float:
        """The first score of the level above `level` (100 for the top level)."""
        return self.mins[level] if level < len(self.mins) else 100.0

    def rows(self) -> list[BandRow]:
        """[{"level", "min", "next_min", "favourable_min"}] for texts and charts."""
        return [
            {
                "level": i + 1,
                "min": low,
                "next_min": self.mins[i + 1] if i + 1 < len(self.mins) else None,
                "favourable_min": self.favourable_mins[i] if self.favourable_mins else None,
            }
            for i, low in enumerate(self.mins)
        ]
