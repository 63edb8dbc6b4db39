"""Report charts as inline SVG strings.

The same HTML is shown in the browser and printed to PDF by WeasyPrint, so every chart is an
`<svg>` element embedded in the page: vector, text kept as text (searchable and selectable in
the PDF, small files) and scaled to its container.

We build `matplotlib.figure.Figure` objects directly instead of using pyplot: no global figure
registry, nothing to close, and no backend switching inside a web server process. Every
setting (fonts, SVG output) is applied per chart through `rc_context`.

All scores are floats 0–100, or None when not available or suppressed for anonymity; None
never raises, it is drawn as absent. Each chart is a pure function of its arguments, and is
cached under them (`reports.cache`): matplotlib takes a third of a second a chart.
"""

from __future__ import annotations

import html
import io
import math
import re
import textwrap
from contextlib import contextmanager

from .cache import memoised_chart

# matplotlib and numpy are imported on the first chart drawn, not with this module: the URL
# configuration reaches it, and a respondent-only worker should never pay about a second for them.
np = colormaps = rc_context = Normalize = to_rgb = Figure = Line2D = Rectangle = None


def _load():
    global np, colormaps, rc_context, Normalize, to_rgb, Figure, Line2D, Rectangle
    if Figure is not None:
        return
    import numpy
    from matplotlib import colormaps as maps
    from matplotlib import rc_context as rc
    from matplotlib.colors import Normalize as normalize
    from matplotlib.colors import to_rgb as rgb
    from matplotlib.figure import Figure as figure
    from matplotlib.lines import Line2D as line
    from matplotlib.patches import Rectangle as rectangle

    np, colormaps, rc_context, Normalize, to_rgb, Line2D, Rectangle = numpy, maps, rc, normalize, rgb, line, rectangle
    Figure = figure  # last: it marks the names as loaded


# Dark2 colours (ColorBrewer): colour-blind safe and still distinct when printed.
EXECUTIVES = "#d95f02"
OTHERS = "#1b9e77"
ALL = "#7570b3"
PREVIOUS = "#a6a6a6"
GRID = "#d9d9d9"
TEXT = "#333333"
MUTED = "#767676"
MISSING = "#ececec"
PERSONAL = "#e7298a"  # magenta: the respondent's own line, distinct from the group colours
STYLE_COLOURS = {"all": ALL, "executives": EXECUTIVES, "others": OTHERS, "personal": PERSONAL}
# Neutral scale ticks; reports pass the framework's level minimums as `rings` (one source for bands).
SCALE_TICKS = (25, 50, 75)

# IPAexGothic covers Japanese and Latin; the others are fallbacks for any glyph it lacks.
FONTS = ["IPAexGothic", "Noto Sans CJK JP", "DejaVu Sans"]
_RC = {
    "font.family": FONTS,
    "font.size": 9,
    "text.color": TEXT,
    "axes.edgecolor": GRID,
    "axes.labelcolor": TEXT,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "axes.unicode_minus": True,
    "svg.fonttype": "none",  # real <text>, not glyph outlines
}


# --- shared helpers ------------------------------------------------------------------------------


@contextmanager
def _figure(kind, title, size, layout=None):
    """A styled figure. Fonts are resolved when artists are created, so build everything inside."""
    # A fixed salt makes the generated ids deterministic; including the kind and title keeps
    # them distinct between charts inlined in the same HTML page.
    with rc_context({**_RC, "svg.hashsalt": f"reports.charts:{kind}:{title}"}):
        fig = Figure(figsize=size, layout=layout)
        if title:
            fig.suptitle(title, x=0.02, ha="left", fontsize=11)
        yield fig


def _to_svg(fig, title):
    """Render to SVG markup ready to inline: no XML prolog, accessible, width follows the container."""
    buffer = io.StringIO()
    # Date/Creator would make output vary with time and matplotlib version; Title gives a <title>.
    metadata = {"Title": title or None, "Date": None, "Creator": None, "Format": None, "Type": None}
    # "tight" grows or trims the canvas to what was drawn: long labels are never cut off.
    tight = None if fig.get_layout_engine() is not None else "tight"  # constrained layout already fits the labels
    fig.savefig(buffer, format="svg", metadata=metadata, bbox_inches=tight, pad_inches=0.08)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, count=1, flags=re.S)
    # Drop ids nothing refers to ("figure_1", "axes_1", ... recur in every chart and would be
    # duplicates once several charts share a page); the referenced ones are salted hashes.
    used = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
    svg = re.sub(r'\sid="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "", svg)
    svg = _drop_bare_groups(svg)
    end = svg.index(">")
    root, rest = svg[:end], svg[end:]
    # Width follows the container (the page's CSS may narrow it); the viewBox keeps the aspect ratio.
    root = re.sub(r'\s(?:width|height)="[^"]*"', "", root)
    root += f' width="100%" role="img" aria-label="{html.escape(title or "", quote=True)}"'
    return root + rest


_GROUP_TAG = re.compile(r"<g\b[^>]*>|</g>")


def _drop_bare_groups(svg):
    """Unwrap the attribute-less <g> matplotlib puts around nearly every element.

    They change nothing in the picture, but WeasyPrint cascades styles and saves a drawing state
    for each: a fifth of the time it spent on the charts of a report."""
    out, pos, bare_stack = [], 0, []
    for match in _GROUP_TAG.finditer(svg):
        tag = match.group(0)
        if tag == "</g>":
            bare = bare_stack.pop()
        elif tag.endswith("/>"):
            bare = tag.replace(" ", "") == "<g/>"
        else:
            bare = tag == "<g>"
            bare_stack.append(bare)
        out.append(svg[pos : match.start()])
        if not bare:
            out.append(tag)
        pos = match.end()
    out.append(svg[pos:])
    return re.sub(r"\n\s*\n", "\n", "".join(out))


def _is_cjk(text):
    return any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef" for ch in text)


# Japanese has no spaces: break after a particle or punctuation when one is near the balanced
# length, and never start a line with small kana, a long-vowel mark or closing punctuation.
_BREAK_AFTER = set("のとをにはがでやへも、・）」")
_NO_LINE_START = set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー、。，．・：；？！）」』】〕”’")


def _wrap(text, latin=14, cjk=9):
    """Wrap a label: at spaces for Latin text, by (balanced) character count for Japanese."""
    text = str(text)
    if not _is_cjk(text):
        return "\n".join(textwrap.wrap(text, latin, break_long_words=False)) or text
    lines = []
    while len(text) > cjk + 1:  # one character over is better than an orphan line
        target = math.ceil(len(text) / math.ceil(len(text) / cjk))
        breaks = [i + 1 for i, ch in enumerate(text[: cjk + 1]) if ch in _BREAK_AFTER]
        cut = min(breaks, key=lambda i: abs(i - target), default=target)
        cut = cut if abs(cut - target) <= 3 else target
        while cut < len(text) and text[cut] in _NO_LINE_START:
            cut += 1
        lines.append(text[:cut])
        text = text[cut:]
    return "\n".join([*lines, text])


def _signed(value, _pos=None):
    """'+12', '−8', '0' (typographic minus, matching the axis ticks)."""
    value = int(round(value))
    return f"+{value}" if value > 0 else f"\u2212{-value}" if value < 0 else "0"


def _tint(colour, amount=0.5):
    """The colour mixed with white: a weaker shade of the same hue."""
    return tuple(c + (1 - c) * amount for c in to_rgb(colour))


def _score(value):
    return np.nan if value is None else float(value)


def _bar_axes(fig, labels, limits):
    """Horizontal-bar axes with one row per dimension, the first dimension on top."""
    ax = fig.add_subplot()
    ax.set_xlim(*limits)
    ax.set_ylim(len(labels) - 0.4, -0.6)
    ax.set_yticks(range(len(labels)), [_wrap(label, 24, 12) for label in labels])
    ax.tick_params(axis="y", length=0, pad=6)
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return ax


# --- charts --------------------------------------------------------------------------------------


@memoised_chart
def radar_svg(*, labels, series, title, missing_note=None, rings=None):
    """Radar chart of the dimension scores, one polygon per series.

    `series`: [{"name", "values", "style": "all"|"executives"|"others"|"personal"}]. A series with no
    values is skipped; a missing value gets no marker and the polygon joins its neighbours.
    `missing_note` (optional) is printed under the legend when any value is missing.
    """
    _load()
    angles = np.linspace(0, 2 * np.pi, len(labels), endpoint=False)
    with _figure("radar", title, (5.4, 5.4)) as fig:
        # Fixed geometry rather than a layout engine: the labels are outside the polar axes.
        ax = fig.add_axes((0.24, 0.26, 0.52, 0.52), projection="polar")
        ax.set_theta_offset(np.pi / 2)  # first dimension at the top, then clockwise
        ax.set_theta_direction(-1)
        ax.set_ylim(0, 100)
        ticks = tuple(rings or SCALE_TICKS)
        ax.set_yticks(ticks, [f"{r:g}" for r in ticks], fontsize=7, color="#a0a0a0")
        ax.set_rlabel_position(180 / len(labels))  # between two spokes, away from the data
        ax.set_xticks(angles, [])
        ax.grid(color=GRID, linewidth=0.6)
        ax.spines["polar"].set_color(GRID)
        for angle, label in zip(angles, labels, strict=True):
            x, y = np.sin(angle), np.cos(angle)  # direction of the spoke on the page
            ha = "center" if abs(x) < 0.1 else "left" if x > 0 else "right"
            va = "center" if abs(y) < 0.1 else "bottom" if y > 0 else "top"
            ax.text(angle, 110, _wrap(label, 16), ha=ha, va=va, fontsize=8.5, clip_on=False)

        handles, any_missing = [], False
        for item in series:
            values = [_score(v) for v in item["values"]]
            present = [i for i, v in enumerate(values) if not np.isnan(v)]
            if not present:
                continue
            any_missing |= len(present) < len(labels)
            colour = STYLE_COLOURS.get(item.get("style"), ALL)
            closed = present + present[:1]
            theta, radius = angles[closed], [values[i] for i in closed]
            ax.fill(theta, radius, color=colour, alpha=0.08, linewidth=0)
            handles += ax.plot(theta, radius, color=colour, linewidth=1.8, marker="o", markersize=4, label=item["name"])

        if handles:
            fig.legend(
                handles=handles,
                loc="lower center",
                bbox_to_anchor=(0.5, 0.06),
                ncol=min(len(handles), 3),
                frameon=False,
            )
        if any_missing and missing_note:
            fig.text(0.5, 0.035, missing_note, ha="center", fontsize=7.5, color=MUTED)
        return _to_svg(fig, title)


def _band_range(band, threshold, limit):
    """The gap range a band stands for (see assessment.scoring.gap_band); open ends stop at the axis."""
    third = threshold / 3
    return {
        "much_lower": (-limit, -threshold),
        "lower": (-threshold, -third),
        "similar": (-third, third),
        "higher": (third, threshold),
        "much_higher": (threshold, limit),
    }.get(band)


def _gap_colour(direction, large):
    """Orange when executives see it higher, teal when everyone else does; full strength if large."""
    if direction == 0:
        return MUTED
    colour = EXECUTIVES if direction > 0 else OTHERS
    return colour if large else _tint(colour, 0.55)


@memoised_chart
def gap_svg(*, labels, gaps, threshold, title, band_labels):
    """Perception gap per dimension (executives minus everyone else) as diverging bars.

    `gaps`: [{"gap": float|None, "band": str|None, "large": bool|None}]. With only a band known
    (few executives) a hatched span shows the band's range, labelled with `band_labels[band]`.
    """
    _load()
    threshold = float(threshold)
    largest = max((abs(g["gap"]) for g in gaps if g.get("gap") is not None), default=0)
    limit = max(2 * threshold, math.ceil((largest + 8) / 10) * 10)  # room for the value labels
    height = max(2.2, 0.42 * len(labels) + 0.9)
    with _figure("gap", title, (6, height), layout="constrained") as fig:
        ax = _bar_axes(fig, labels, (-limit, limit))
        ax.xaxis.set_major_formatter(_signed)
        ax.axvline(0, color="#555555", linewidth=0.9)
        for x in (-threshold, threshold):
            ax.axvline(x, color=MUTED, linewidth=0.8, linestyle=(0, (4, 3)))
        pad = limit * 0.02
        for y, entry in enumerate(gaps):
            gap, band, large = entry.get("gap"), entry.get("band"), entry.get("large")
            span = _band_range(band, threshold, limit)
            if gap is not None:
                gap = float(gap)
                ax.barh(y, gap, height=0.55, color=_gap_colour(gap, large))
                ax.text(
                    gap + (pad if gap >= 0 else -pad),
                    y,
                    _signed(gap),
                    ha="left" if gap >= 0 else "right",
                    va="center",
                    clip_on=False,
                )
            elif span:
                low, high = span
                colour = _gap_colour(low + high if band != "similar" else 0, large)
                ax.add_patch(
                    Rectangle(
                        (low, y - 0.275),
                        high - low,
                        0.55,
                        facecolor="white",
                        edgecolor=colour,
                        hatch="////",
                        linewidth=0.8,
                    )
                )
                # The label goes on the side of the span facing the centre, where there is room.
                right = low + high < 0
                ax.text(
                    high + pad if right else low - pad,
                    y,
                    band_labels.get(band, band),
                    ha="left" if right else "right",
                    va="center",
                    fontsize=8.5,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                )
            else:
                ax.text(
                    0,
                    y,
                    "\u2014",
                    ha="center",
                    va="center",
                    color=MUTED,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                )
        return _to_svg(fig, title)


@memoised_chart
def heatmap_svg(*, rows, columns, values, title, missing_label, rings=None):
    """Departments (rows) × dimensions (columns) on the 0–100 scale, each cell with its number."""
    _load()
    data = np.ma.masked_invalid(
        np.array([[_score(v) for v in row] for row in values], dtype=float).reshape(len(rows), len(columns))
    )
    # RdYlBu rather than RdYlGn: it stays readable for red–green colour-blind readers.
    cmap = colormaps["RdYlBu"].with_extremes(bad=MISSING)
    norm = Normalize(0, 100)
    with _figure("heatmap", title, (6.8, 1.5 + 0.28 * len(rows)), layout="constrained") as fig:
        ax = fig.add_subplot()
        mesh = ax.pcolormesh(data, cmap=cmap, norm=norm, edgecolors="white", linewidth=1.5)
        ax.set_xlim(0, len(columns))
        ax.set_ylim(len(rows), 0)
        ax.xaxis.tick_top()
        ax.set_xticks(np.arange(len(columns)) + 0.5, [_wrap(c, 14, 7) for c in columns], fontsize=8)
        ax.set_yticks(np.arange(len(rows)) + 0.5, [_wrap(r, 24, 12) for r in rows])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for (i, j), value in np.ndenumerate(data.filled(np.nan)):
            if np.isnan(value):
                ax.text(j + 0.5, i + 0.5, missing_label, ha="center", va="center", color=MUTED)
                continue
            r, g, b = to_rgb(cmap(norm(value)))
            ink = "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"
            ax.text(j + 0.5, i + 0.5, f"{int(round(value))}", ha="center", va="center", color=ink)
        bar = fig.colorbar(
            mesh, ax=ax, location="bottom", shrink=0.45, aspect=35, pad=0.02, ticks=[0, *(rings or SCALE_TICKS), 100]
        )
        bar.outline.set_visible(False)
        bar.ax.tick_params(labelsize=7, length=2)
        return _to_svg(fig, title)


@memoised_chart
def delta_svg(*, labels, previous, current, title, legend, rings=None):
    """Previous vs current campaign per dimension as a dumbbell plot, the change written at the right.

    `legend`: {"previous": str, "current": str}. Where either value is missing the change is "—".
    """
    _load()
    height = max(2.4, 0.42 * len(labels) + 1.2)
    with _figure("delta", title, (6, height), layout="constrained") as fig:
        ax = _bar_axes(fig, labels, (0, 100))
        ax.set_xticks([0, *(rings or SCALE_TICKS), 100])
        for y, (before, after) in enumerate(zip(previous, current, strict=True)):
            if before is not None and after is not None:
                ax.plot(
                    [before, after],
                    [y, y],
                    color=_tint(ALL, 0.6),
                    linewidth=2.5,
                    solid_capstyle="round",
                    zorder=2,
                    clip_on=False,
                )
            if before is not None:
                ax.plot(before, y, "o", color=PREVIOUS, markersize=6.5, zorder=3, clip_on=False)
            if after is not None:
                ax.plot(after, y, "o", color=ALL, markersize=7, zorder=4, clip_on=False)
            change = "\u2014" if before is None or after is None else _signed(after - before)
            # Axes-fraction x: a fixed column right of the plot, whatever the values.
            ax.text(
                1.02,
                y,
                change,
                transform=ax.get_yaxis_transform(),
                ha="left",
                va="center",
                color=MUTED if change == "\u2014" else TEXT,
            )
        handles = [
            Line2D([], [], marker="o", linestyle="none", color=colour, label=legend[key])
            for key, colour in (("previous", PREVIOUS), ("current", ALL))
        ]
        fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False)
        return _to_svg(fig, title)
