"""Report charts as inline SVG strings.

The same HTML is shown in the browser and printed to PDF by WeasyPrint, so every chart is an
`<svg>` element embedded in the page: vector, text kept as text (searchable and selectable in
the PDF, small files) and scaled to its container.

The markup is written here directly: the charts are a few lines, rectangles and labels, and
WeasyPrint's cost grows with the number of SVG elements (each is cascaded and drawn in a graphics
state of its own). So shapes of one style share one `<path>`, there are no groups, clip paths or
style blocks, and text is placed here: its width is measured with the font file the report's first
family resolves to (Pillow), labels are wrapped, and the viewBox is the box around everything
drawn, so no label is ever cut off.

All scores are floats 0–100, or None when not available or suppressed for anonymity; None
never raises, it is drawn as absent. Each chart is a pure function of its arguments, and is
cached under them (`reports.cache`).
"""

from __future__ import annotations

import base64
import functools
import html
import io
import math
import textwrap

from .cache import memoised_chart
from .fonts import font_file

# Dark2 colours (ColorBrewer): colour-blind safe and still distinct when printed.
EXECUTIVES = "#d95f02"
OTHERS = "#1b9e77"
ALL = "#7570b3"
PREVIOUS = "#a6a6a6"
GRID = "#d9d9d9"
TEXT = "#333333"
MUTED = "#767676"
RING_TEXT = "#a0a0a0"
MISSING = "#ececec"
PERSONAL = "#e7298a"  # magenta: the respondent's own line, distinct from the group colours
STYLE_COLOURS = {"all": ALL, "executives": EXECUTIVES, "others": OTHERS, "personal": PERSONAL}
# Neutral scale ticks; reports pass the framework's level minimums as `rings` (one source for bands).
SCALE_TICKS = (25, 50, 75)
# RdYlBu (ColorBrewer, 11 classes) for the heatmap: unlike RdYlGn, readable for red–green
# colour-blind readers. Scores between two classes are interpolated.
HEAT_SCALE = (
    "#a50026",
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee090",
    "#ffffbf",
    "#e0f3f8",
    "#abd9e9",
    "#74add1",
    "#4575b4",
    "#313695",
)

# IPAexGothic covers Japanese and Latin; the others are fallbacks for any glyph it lacks.
FONTS = ["IPAexGothic", "Noto Sans CJK JP", "DejaVu Sans"]
# Unquoted and without spaces after the commas: WeasyPrint splits the attribute on "," and strips
# quotes but not spaces, so "a, 'b'" would lose every fallback. Valid CSS all the same.
FONT_FAMILY = ",".join(FONTS)

# Sizes in SVG units. Each chart's canvas is about as wide as the matplotlib figure it replaces
# (1 unit = 1 pt of a 6 in figure), so at the page's chart widths text prints at the same size.
SIZE = 9  # body text of the charts
TITLE_SIZE = 11
LINE = 1.2  # line spacing of wrapped labels, in em
ASCENT, DESCENT = 0.88, 0.13  # IPAexGothic's, in em: where a line's ink can reach
PAD = 6  # margin around everything drawn
ROW = 30  # a dimension's row in the bar charts (0.42 in)
BAR = 16.5  # a bar's thickness
BAR_WIDTH = 432  # the gap and delta charts (6 in)
HEAT_WIDTH = 490  # the heatmap (6.8 in)
HEAT_ROW = 24  # a department's row: between what matplotlib gave 3 (30) and 20 departments (20)
RADIUS = 101  # the radar's outer ring


# --- text ----------------------------------------------------------------------------------------

_EM = 1000  # Pillow measures at this size; widths scale linearly with the font size


@functools.cache
def _font():
    """The first report family's font file as a Pillow font, or None without it (widths estimated)."""
    from PIL import ImageFont

    path = font_file(FONTS[0])
    try:
        # BASIC layout: the advance widths, as WeasyPrint lays out SVG text (glyph by glyph)
        return ImageFont.truetype(path, _EM, layout_engine=ImageFont.Layout.BASIC) if path else None
    except OSError:
        return None


@functools.lru_cache(maxsize=4096)
def _em_width(text):
    font = _font()
    if font is None:  # full-width for Japanese, an average Latin letter otherwise
        return sum(1.0 if _is_cjk(ch) else 0.6 for ch in text)
    return font.getlength(text) / _EM


def _width(text, size=SIZE):
    """Width of one line of text in SVG units."""
    return _em_width(text) * size


def _widest(texts, size=SIZE):
    return max((_width(line, size) for text in texts for line in text.split("\n")), default=0)


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


def _score(value):
    """A score as a float, or None when missing: NaN (pandas' missing) counts as missing too."""
    return None if value is None or math.isnan(float(value)) else float(value)


def _signed(value):
    """'+12', '−8', '0' (typographic minus, matching the axis ticks)."""
    value = int(round(value))
    return f"+{value}" if value > 0 else f"\u2212{-value}" if value < 0 else "0"


# --- colours -------------------------------------------------------------------------------------


def _rgb(colour):
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def _hex(rgb):
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _tint(colour, amount=0.5):
    """The colour mixed with white: a weaker shade of the same hue."""
    return _hex(c + (1 - c) * amount for c in _rgb(colour))


def _heat(score):
    """A 0–100 score's colour on HEAT_SCALE, as (r, g, b) in 0–1."""
    position = min(max(score / 100, 0.0), 1.0) * (len(HEAT_SCALE) - 1)
    low = min(int(position), len(HEAT_SCALE) - 2)
    share = position - low
    return tuple(a + (b - a) * share for a, b in zip(_rgb(HEAT_SCALE[low]), _rgb(HEAT_SCALE[low + 1]), strict=True))


@functools.cache
def _heat_strip():
    """HEAT_SCALE from 0 to 100 as a PNG one pixel high, as a data URI."""
    from PIL import Image

    strip = Image.new("RGB", (256, 1))
    strip.putdata([tuple(round(c * 255) for c in _heat(i / 255 * 100)) for i in range(256)])
    buffer = io.BytesIO()
    strip.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# --- markup --------------------------------------------------------------------------------------


def _n(value):
    """A coordinate: two decimals at most, so the same chart is always the same bytes."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attrs(attrs):
    """Keyword arguments as SVG attributes: stroke_width=1 gives stroke-width="1"."""
    return "".join(
        f' {key.replace("_", "-")}="{_n(value) if isinstance(value, float | int) else html.escape(value)}"'
        for key, value in attrs.items()
    )


_EMPTY = (math.inf, math.inf, -math.inf, -math.inf)


def _union(box, x0, y0, x1, y1):
    return (min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1))


class _Path:
    """Lines and dots drawn in one style: one SVG element however many there are."""

    def __init__(self):
        self.parts, self.box = [], _EMPTY

    def line(self, *points, closed=False):
        self.parts.append("M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in points) + ("Z" if closed else ""))
        for x, y in points:
            self.box = _union(self.box, x, y, x, y)
        return self

    def dot(self, x, y, r):
        """A circle, as two arcs."""
        self.parts.append(
            f"M{_n(x - r)} {_n(y)}a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0a{_n(r)} {_n(r)} 0 1 0 {_n(-2 * r)} 0Z"
        )
        self.box = _union(self.box, x - r, y - r, x + r, y + r)
        return self


class _Canvas:
    """A chart's elements in drawing order, and the box around them (the viewBox to be)."""

    def __init__(self):
        self.elements, self.box = [], _EMPTY

    def _add(self, markup, *box):
        self.elements.append(markup)
        self.box = _union(self.box, *box)

    def rect(self, x, y, width, height, **attrs):
        markup = f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"{_attrs(attrs)}/>'
        self._add(markup, x, y, x + width, y + height)

    def image(self, x, y, width, height, uri):
        markup = f'<image x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" href="{uri}"'
        self._add(markup + ' preserveAspectRatio="none"/>', x, y, x + width, y + height)

    def path(self, path, **attrs):
        if path.parts:
            half = attrs.get("stroke_width", 0) / 2 if attrs.get("stroke", "none") != "none" else 0
            x0, y0, x1, y1 = path.box
            self._add(f'<path d="{"".join(path.parts)}"{_attrs(attrs)}/>', x0 - half, y0 - half, x1 + half, y1 + half)

    def text(self, x, y, text, *, size=SIZE, anchor="start", va="center", colour=None, halo=False):
        """One label, possibly of several lines ("\\n"), aligned on (x, y): `anchor` start, middle or
        end, `va` top, center or bottom of its lines. `halo`: on a white box, over lines behind it."""
        lines = str(text).split("\n")
        step = size * LINE
        height = size * (ASCENT + DESCENT) + step * (len(lines) - 1)
        top = {"top": y, "center": y - height / 2, "bottom": y - height}[va]
        shift = {"start": 0, "middle": 0.5, "end": 1}[anchor]
        widths = [_width(line, size) for line in lines]
        if halo:
            self.rect(x - max(widths) * shift - 1, top - 1, max(widths) + 2, height + 2, fill="white")
        attrs = {"font_size": size} if size != SIZE else {}
        if anchor != "start":
            attrs["text_anchor"] = anchor
        if colour:
            attrs["fill"] = colour
        for i, (line, width) in enumerate(zip(lines, widths, strict=True)):
            # Baselines are placed here rather than left to dominant-baseline, which WeasyPrint
            # and browsers place differently.
            baseline = top + size * ASCENT + step * i
            self._add(
                f'<text x="{_n(x)}" y="{_n(baseline)}"{_attrs(attrs)}>{html.escape(line, quote=False)}</text>',
                x - width * shift,
                baseline - size * ASCENT,
                x - width * shift + width,
                baseline + size * DESCENT,
            )

    def title(self, title):
        """The chart's title, left-aligned above everything drawn so far."""
        if title:
            self.text(self.box[0], self.box[1] - 8, title, size=TITLE_SIZE, va="bottom")


def _to_svg(canvas, title):
    """Markup ready to inline: no XML prolog, accessible, width follows the container."""
    x0, y0, x1, y1 = canvas.box
    x0, y0, x1, y1 = x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD
    title = title or ""
    # The viewBox keeps the aspect ratio while the page's CSS sets the width; the text defaults are
    # set once here and inherited, rather than repeated on every label.
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_n(x0)} {_n(y0)} {_n(x1 - x0)} {_n(y1 - y0)}"'
        f' width="100%" role="img" aria-label="{html.escape(title, quote=True)}"'
        f' font-family="{FONT_FAMILY}" font-size="{SIZE}" fill="{TEXT}">'
    )
    heading = [f"<title>{html.escape(title, quote=False)}</title>"] if title else []
    return "\n".join([head, *heading, *canvas.elements, "</svg>"])


def _legend(canvas, centre, top, entries, columns=3):
    """Legend entries (name, colour, with a line) in rows of up to `columns`, centred on x = centre."""
    handle, gap, spacing = 2 * SIZE, 0.8 * SIZE, 2 * SIZE  # matplotlib's proportions
    count = min(len(entries), columns)
    widths = [handle + gap + _width(name) for name, _colour, _line in entries]
    column_widths = [max(widths[c::columns]) for c in range(count)]
    left = centre - (sum(column_widths) + spacing * (count - 1)) / 2
    for i, (name, colour, line) in enumerate(entries):
        column = i % columns
        x = left + sum(column_widths[:column]) + spacing * column
        y = top + SIZE / 2 + (i // columns) * SIZE * 1.6
        if line:
            canvas.path(_Path().line((x, y), (x + handle, y)), fill="none", stroke=colour, stroke_width=1.8)
        canvas.path(_Path().dot(x + handle / 2, y, 2.5 if line else 3.25), fill=colour)
        canvas.text(x + handle + gap, y, name)


# --- charts --------------------------------------------------------------------------------------


@memoised_chart
def radar_svg(*, labels, series, title, missing_note=None, rings=None):
    """Radar chart of the dimension scores, one polygon per series.

    `series`: [{"name", "values", "style": "all"|"executives"|"others"|"personal"}]. A series with no
    values is skipped; a missing value gets no marker and the polygon joins its neighbours.
    `missing_note` (optional) is printed under the legend when any value is missing.
    """
    canvas = _Canvas()
    count = len(labels)
    # First dimension at the top, then clockwise; the centre is the origin.
    directions = [(math.sin(2 * math.pi * i / count), -math.cos(2 * math.pi * i / count)) for i in range(count)]

    def point(i, score):
        r = RADIUS * min(max(score, 0.0), 100.0) / 100
        return directions[i][0] * r, directions[i][1] * r

    ticks = tuple(rings or SCALE_TICKS)
    grid = _Path()
    for tick in (*ticks, 100):
        grid.dot(0, 0, RADIUS * tick / 100)
    for i in range(count):
        grid.line((0, 0), point(i, 100))
    canvas.path(grid, fill="none", stroke=GRID, stroke_width=0.6)
    # The ring values go between the first two spokes, away from the data.
    between = (math.sin(math.pi / count), -math.cos(math.pi / count))
    for tick in ticks:
        r = RADIUS * tick / 100
        canvas.text(between[0] * r + 2, between[1] * r - 1, f"{tick:g}", size=7, va="bottom", colour=RING_TEXT)

    legend, any_missing = [], False
    for item in series:
        values = [_score(value) for value in item["values"]]
        present = [i for i, value in enumerate(values) if value is not None]
        if not present:
            continue
        any_missing |= len(present) < count
        colour = STYLE_COLOURS.get(item.get("style"), ALL)
        points = [point(i, values[i]) for i in present]
        canvas.path(
            _Path().line(*points, closed=True),
            fill=colour,
            fill_opacity=0.08,
            stroke=colour,
            stroke_width=1.8,
            stroke_linejoin="round",
        )
        dots = _Path()
        for x, y in points:
            dots.dot(x, y, 2.5)
        canvas.path(dots, fill=colour)
        legend.append((item["name"], colour, True))

    for (dx, dy), label in zip(directions, labels, strict=True):
        anchor = "middle" if abs(dx) < 0.1 else "start" if dx > 0 else "end"
        va = "center" if abs(dy) < 0.1 else "bottom" if dy < 0 else "top"
        canvas.text(dx * RADIUS * 1.1, dy * RADIUS * 1.1, _wrap(label, 16), size=8.5, anchor=anchor, va=va)

    if legend:
        _legend(canvas, 0, canvas.box[3] + 12, legend)
    if any_missing and missing_note:
        canvas.text(0, canvas.box[3] + 4, missing_note, size=7.5, anchor="middle", va="top", colour=MUTED)
    canvas.title(title)
    return _to_svg(canvas, title)


def _rows(canvas, labels, left):
    """Row labels right-aligned at x = -left, each row tall enough for its wrapped label; the plot
    starts at x = 0 and y = 0. Returns the rows' centres and the plot's bottom."""
    centres, y = [], 0.0
    for label in labels:
        lines = label.count("\n") + 1
        height = max(ROW, lines * SIZE * LINE + 8)
        centres.append(y + height / 2)
        canvas.text(-left, y + height / 2, label, anchor="end")
        y += height
    return centres, y


def _x_axis(canvas, ticks, x, bottom, text):
    """Vertical grid lines at `ticks` (x(tick) on the page), the base line, tick marks and labels."""
    grid, marks = _Path(), _Path()
    for tick in ticks:
        grid.line((x(tick), 0), (x(tick), bottom))
        marks.line((x(tick), bottom), (x(tick), bottom + 3.5))
    grid.line((x(ticks[0]), bottom), (x(ticks[-1]), bottom))
    canvas.path(grid, fill="none", stroke=GRID, stroke_width=0.6)
    canvas.path(marks, fill="none", stroke=MUTED, stroke_width=0.8)
    for tick in ticks:
        canvas.text(x(tick), bottom + 7, text(tick), anchor="middle", va="top")


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


def _hatch(x0, y0, x1, y1, spacing=4.5):
    """Diagonal lines (////) filling a rectangle, clipped to it by computation, not a clip path."""
    hatch = _Path()
    c = x0 + y0 + spacing  # on each line x + y = c
    while c < x1 + y1:
        hatch.line((max(x0, c - y1), min(y1, c - x0)), (min(x1, c - y0), max(y0, c - x1)))
        c += spacing
    return hatch


@memoised_chart
def gap_svg(*, labels, gaps, threshold, title, band_labels):
    """Perception gap per dimension (executives minus everyone else) as diverging bars.

    `gaps`: [{"gap": float|None, "band": str|None, "large": bool|None}]. With only a band known
    (few executives) a hatched span shows the band's range, labelled with `band_labels[band]`.
    """
    threshold = float(threshold)
    gaps = [{**entry, "gap": _score(entry.get("gap"))} for entry in gaps]
    largest = max((abs(g["gap"]) for g in gaps if g["gap"] is not None), default=0)
    limit = max(2 * threshold, math.ceil((largest + 8) / 10) * 10)  # room for the value labels
    step = next((s for s in (5, 10, 20, 25, 50, 100) if limit / s <= 3.5), 10 ** math.ceil(math.log10(limit)))
    ticks = [step * k for k in range(-int(limit // step), int(limit // step) + 1)]

    canvas = _Canvas()
    wrapped = [_wrap(label, 24, 12) for label in labels]
    left = 6
    width = max(BAR_WIDTH - 2 * PAD - _widest(wrapped) - left, 160)

    def x(value):
        return (value + limit) / (2 * limit) * width

    centres, bottom = _rows(canvas, wrapped, left)
    _x_axis(canvas, ticks, x, bottom, _signed)
    pad = limit * 0.02
    lines, texts = [], []  # drawn over the bars and spans
    for y, entry in zip(centres, gaps, strict=True):
        gap, band, large = entry.get("gap"), entry.get("band"), entry.get("large")
        span = _band_range(band, threshold, limit)
        if gap is not None:
            canvas.rect(min(x(0), x(gap)), y - BAR / 2, abs(x(gap) - x(0)), BAR, fill=_gap_colour(gap, large))
            texts.append((x(gap + pad if gap >= 0 else gap - pad), y, _signed(gap), "start" if gap >= 0 else "end", {}))
        elif span:
            low, high = span
            colour = _gap_colour(low + high if band != "similar" else 0, large)
            box = (x(low), y - BAR / 2, x(high), y + BAR / 2)
            canvas.rect(box[0], box[1], box[2] - box[0], BAR, fill="white")
            outline = (box[:2], (box[2], box[1]), box[2:], (box[0], box[3]))
            lines.append((_hatch(*box).line(*outline, closed=True), colour))
            # The label goes on the side of the span facing the centre, where there is room.
            right = low + high < 0
            position = x(high + pad) if right else x(low - pad)
            label = band_labels.get(band, band)
            texts.append((position, y, label, "start" if right else "end", {"size": 8.5, "halo": True}))
        else:
            texts.append((x(0), y, "\u2014", "middle", {"colour": MUTED, "halo": True}))
    for path, colour in lines:
        canvas.path(path, fill="none", stroke=colour, stroke_width=0.8)
    canvas.path(_Path().line((x(0), 0), (x(0), bottom)), stroke="#555555", stroke_width=0.9)
    thresholds = _Path().line((x(-threshold), 0), (x(-threshold), bottom))
    thresholds.line((x(threshold), 0), (x(threshold), bottom))
    canvas.path(thresholds, fill="none", stroke=MUTED, stroke_width=0.8, stroke_dasharray="3.2 2.4")
    for tx, ty, text, anchor, options in texts:
        canvas.text(tx, ty, text, anchor=anchor, **options)
    canvas.title(title)
    return _to_svg(canvas, title)


@memoised_chart
def heatmap_svg(*, rows, columns, values, title, missing_label, rings=None):
    """Departments (rows) × dimensions (columns) on the 0–100 scale, each cell with its number."""
    canvas = _Canvas()
    row_labels = [_wrap(r, 24, 12) for r in rows]
    column_labels = [_wrap(c, 14, 7) for c in columns]
    left = 4
    # Columns share what the row labels leave, but are never narrower than their own labels.
    cell = max(
        (HEAT_WIDTH - 2 * PAD - _widest(row_labels) - left) / max(len(columns), 1),
        _widest(column_labels, 8) + 4,
        28,
    )
    for j, label in enumerate(column_labels):
        canvas.text((j + 0.5) * cell, -4, label, size=8, anchor="middle", va="bottom")
    y = 0.0
    for label, row in zip(row_labels, values, strict=True):
        height = max(HEAT_ROW, (label.count("\n") + 1) * SIZE * LINE + 4)
        canvas.text(-left, y + height / 2, label, anchor="end")
        for j, value in enumerate(map(_score, row)):
            # a white gap between cells, as a stroke would draw but without one
            canvas.rect(
                j * cell + 0.75,
                y + 0.75,
                cell - 1.5,
                height - 1.5,
                fill=MISSING if value is None else _hex(_heat(value)),
            )
            if value is None:
                canvas.text((j + 0.5) * cell, y + height / 2, missing_label, anchor="middle", colour=MUTED)
                continue
            r, g, b = _heat(value)
            ink = "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"
            canvas.text((j + 0.5) * cell, y + height / 2, f"{int(round(value))}", anchor="middle", colour=ink)
        y += height

    # The colour scale under the grid: a strip of pixels stretched, like matplotlib's colour bar.
    # (WeasyPrint 70 draws SVG gradients wrongly, and an image needs no id to keep unique.)
    plot = cell * len(columns)
    bar_width = 0.45 * plot
    bar_left, bar_top, bar_height = (plot - bar_width) / 2, y + 10, bar_width / 35
    canvas.image(bar_left, bar_top, bar_width, bar_height, _heat_strip())
    ticks = [0, *(rings or SCALE_TICKS), 100]
    marks = _Path()
    for tick in ticks:
        tx = bar_left + bar_width * tick / 100
        marks.line((tx, bar_top + bar_height), (tx, bar_top + bar_height + 2))
        canvas.text(tx, bar_top + bar_height + 4, f"{tick:g}", size=7, anchor="middle", va="top")
    canvas.path(marks, fill="none", stroke=MUTED, stroke_width=0.6)
    canvas.title(title)
    return _to_svg(canvas, title)


@memoised_chart
def delta_svg(*, labels, previous, current, title, legend, rings=None):
    """Previous vs current campaign per dimension as a dumbbell plot, the change written at the right.

    `legend`: {"previous": str, "current": str}. Where either value is missing the change is "—".
    """
    canvas = _Canvas()
    previous, current = [_score(v) for v in previous], [_score(v) for v in current]
    wrapped = [_wrap(label, 24, 12) for label in labels]
    changes = [
        "\u2014" if before is None or after is None else _signed(after - before)
        for before, after in zip(previous, current, strict=True)
    ]
    left = 6
    # The change is written in a column right of the plot, whatever the values.
    width = max(BAR_WIDTH - 2 * PAD - _widest(wrapped) - left - _widest(changes) - 8, 160)

    def x(value):
        return min(max(value, 0.0), 100.0) / 100 * width

    centres, bottom = _rows(canvas, wrapped, left)
    _x_axis(canvas, [0, *(rings or SCALE_TICKS), 100], x, bottom, lambda tick: f"{tick:g}")
    bars, before_dots, after_dots = _Path(), _Path(), _Path()
    for y, before, after, change in zip(centres, previous, current, changes, strict=True):
        if before is not None and after is not None:
            bars.line((x(before), y), (x(after), y))
        if before is not None:
            before_dots.dot(x(before), y, 3.25)
        if after is not None:
            after_dots.dot(x(after), y, 3.5)
        canvas.text(width + 8, y, change, colour=MUTED if change == "\u2014" else None)
    canvas.path(bars, fill="none", stroke=_tint(ALL, 0.6), stroke_width=2.5, stroke_linecap="round")
    canvas.path(before_dots, fill=PREVIOUS)
    canvas.path(after_dots, fill=ALL)
    entries = [(legend["previous"], PREVIOUS, False), (legend["current"], ALL, False)]
    _legend(canvas, width / 2, canvas.box[3] + 10, entries, columns=2)
    canvas.title(title)
    return _to_svg(canvas, title)
