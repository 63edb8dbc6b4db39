"""Report charts: inline-ready SVG written directly, text as text in the report's fonts, values
placed by scale, missing values drawn as absent, and every label inside the canvas."""

import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from reports import charts
from reports.fonts import font_file

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent

DIMENSIONS_JA = [
    "経営陣のビジョンと方向性",
    "予算の継続性と経営のコミットメント",
    "部門を越えた協力体制",
    "経営陣の現地体験とエコシステム連携",
    "イノベーション推進チームの能力と持続性",
    "ガバナンスと学習の仕組み",
]
DIMENSIONS_EN = [
    "Executive vision and direction",
    "Budget continuity and commitment",
    "Cross-department buy-in",
    "Executive exposure and ecosystem engagement",
    "Innovation team capability and sustainability",
    "Governance and learning system",
]
LONG = ["Pneumonoultramicroscopicsilicovolcanoconiosis" * 2 + " and so on", "短い"]  # unbreakable
BAND_LABELS = {
    "much_lower": "かなり低い",
    "lower": "低い",
    "similar": "ほぼ同じ",
    "higher": "高い",
    "much_higher": "かなり高い",
}


def radar(labels=DIMENSIONS_JA, title="次元別スコア"):
    return charts.radar_svg(
        labels=labels,
        title=title,
        missing_note="データ不足の値は表示していません",
        series=[
            {"name": "全回答者", "values": [62, 45.5, 38, 55, 71, 49][: len(labels)], "style": "all"},
            {"name": "経営層", "values": [78, 60, None, 70, 80, 65][: len(labels)], "style": "executives"},
            {"name": "除外される系列", "values": [None] * len(labels), "style": "others"},
        ],
        rings=[20, 40, 60, 80],
    )


def gap(labels=DIMENSIONS_JA, title="認識ギャップ"):
    return charts.gap_svg(
        labels=labels,
        threshold=15,
        title=title,
        band_labels=BAND_LABELS,
        gaps=[
            {"gap": 22.4, "band": "much_higher", "large": True},
            {"gap": -8.0, "band": "lower", "large": False},
            {"gap": None, "band": "much_higher", "large": True},  # few executives: band only
            {"gap": None, "band": None, "large": None},  # nothing known
            {"gap": 3.2, "band": "similar", "large": False},
            {"gap": None, "band": "similar", "large": False},
        ][: len(labels)],
    )


def heatmap(labels=DIMENSIONS_JA, title="部門別スコア", rows=("研究開発", "営業", "製造")):
    values = [[62, 45, 38, 55, 71, 49], [30, None, 22, 41, 55, 99.6], [None] * 6][: len(rows)]
    return charts.heatmap_svg(
        rows=list(rows), columns=labels, values=[v[: len(labels)] for v in values], title=title, missing_label="–"
    )


def delta(labels=DIMENSIONS_JA, title="前回との比較"):
    return charts.delta_svg(
        labels=labels,
        title=title,
        legend={"previous": "前回", "current": "今回"},
        previous=[55, 40, None, 50, 60, 49][: len(labels)],
        current=[62, 45, 38, 47, 71, None][: len(labels)],
    )


CHARTS = {"radar": radar, "gap": gap, "heatmap": heatmap, "delta": delta}


def texts(svg):
    """The text content of every <text> element (one per line of a label)."""
    return [el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text")]


def shows(svg, label):
    """The label is written, possibly over several lines (consecutive <text> elements)."""
    return re.sub(r"\s", "", label) in re.sub(r"\s", "", "".join(texts(svg)))


def dots(svg, colour):
    """Centres of the dots drawn in `colour` (circles, two arcs each), the first path of them:
    the data's, drawn before the legend's."""
    for path in ET.fromstring(svg).iter(f"{SVG}path"):
        if path.get("fill") == colour and "a" in path.get("d"):
            return [
                (float(x) + float(r), float(y))
                for x, y, r in re.findall(r"M(-?[\d.]+) (-?[\d.]+)a([\d.]+)", path.get("d"))
            ]
    return []


def rects(svg, **attrs):
    return [
        {k: float(el.get(k)) for k in ("x", "y", "width", "height")}
        for el in ET.fromstring(svg).iter(f"{SVG}rect")
        if all(el.get(k) == v for k, v in attrs.items())
    ]


@pytest.fixture(params=CHARTS)
def build(request):
    return CHARTS[request.param]


# --- output format ------------------------------------------------------------------------------


def test_inline_svg_markup(build):
    svg = build(title='R&D "見通し" <2025>')
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    root = ET.fromstring(svg)  # well-formed
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == 'R&D "見通し" <2025>'
    assert root[0].tag == f"{SVG}title" and root[0].text == 'R&D "見通し" <2025>'
    _x, _y, width, height = map(float, root.get("viewBox").split())
    assert width > 100 and height > 100
    # Scales with its container instead of a fixed size in points.
    assert root.get("width") == "100%" and root.get("height") is None
    # Nothing that could clash with another chart on the page, nothing WeasyPrint draws slowly.
    assert not [el for el in root.iter() if el.get("id") is not None]
    assert not [el for el in root.iter() if el.tag in {f"{SVG}g", f"{SVG}style", f"{SVG}clipPath"}]
    assert len(svg.encode()) < 20_000


def test_text_uses_the_report_fonts_in_a_form_weasyprint_reads(build):
    family = ET.fromstring(build()).get("font-family")
    # WeasyPrint splits on "," and strips quotes but not spaces: each name must come out whole.
    assert family.split(",") == ["IPAexGothic", "Noto Sans CJK JP", "DejaVu Sans"]


def test_every_character_is_in_the_measuring_font(build):
    """What the matplotlib charts warned about as "missing from font": no glyph falls back."""
    cmap = TTFont(font_file("IPAexGothic"), fontNumber=0).getBestCmap()
    for labels in (DIMENSIONS_JA, DIMENSIONS_EN):
        missing = {ch for text in texts(build(labels=labels)) for ch in text if ord(ch) not in cmap}
        assert not missing


@pytest.mark.parametrize("labels", [DIMENSIONS_JA, DIMENSIONS_EN], ids=["ja", "en"])
def test_every_label_and_the_title_are_written(build, labels):
    svg = build(labels=labels, title="Title タイトル")
    assert "Title タイトル" in texts(svg)
    for label in labels:
        assert shows(svg, label), label


def test_deterministic(build, no_report_cache):
    first = build()
    charts._em_width.cache_clear()  # measured afresh, not only served from memory
    assert build() == first  # drawn twice: the cache would hide a difference


def test_html_special_characters_are_escaped(build):
    labels = ['<b>R&D</b> "x"', *DIMENSIONS_EN[1:]]
    svg = build(labels=labels, title="A & B <c>")
    assert "<b>" not in svg and "R&amp;D" in svg
    assert shows(svg, labels[0]) and "A & B <c>" in texts(svg)


def _text_boxes(svg):
    """(box, text) of every <text>, from the chart's own width measure and the font's ascent/descent."""
    root = ET.fromstring(svg)
    default = float(root.get("font-size"))
    for el in root.iter(f"{SVG}text"):
        size = float(el.get("font-size", default))
        width = charts._width(el.text, size)
        x = float(el.get("x")) - width * {"start": 0, "middle": 0.5, "end": 1}[el.get("text-anchor", "start")]
        y = float(el.get("y"))
        yield (x, y - size * charts.ASCENT, x + width, y + size * charts.DESCENT), el.text


@pytest.mark.parametrize("labels", [DIMENSIONS_JA, DIMENSIONS_EN, LONG * 3], ids=["ja", "en", "long"])
def test_no_text_outside_the_canvas(build, labels):
    svg = build(labels=labels, title="A title far longer than any chart is wide, " * 3)
    x, y, width, height = map(float, ET.fromstring(svg).get("viewBox").split())
    for (x0, y0, x1, y1), text in _text_boxes(svg):
        assert x <= x0 and x1 <= x + width and y <= y0 and y1 <= y + height, text


def test_long_labels_grow_the_canvas():
    short, long = (ET.fromstring(gap(labels=labels)).get("viewBox").split() for labels in (DIMENSIONS_EN, LONG * 3))
    assert float(long[2]) > float(short[2])


def test_text_widths_come_from_the_font():
    assert charts._font() is not None  # IPAexGothic found and opened
    assert charts._width("経営陣", 10) == pytest.approx(30)  # full-width: 1 em each
    assert charts._width("iiii") < charts._width("MMMM")


def test_without_the_font_file_widths_are_estimated(monkeypatch, no_report_cache):
    monkeypatch.setattr(charts, "_font", lambda: None)
    charts._em_width.cache_clear()
    try:
        assert charts._width("経営陣", 10) == pytest.approx(30)
        assert charts._width("abcd", 10) == pytest.approx(24)
        assert shows(gap(labels=DIMENSIONS_EN), DIMENSIONS_EN[0])
    finally:
        charts._em_width.cache_clear()  # the next test measures with the font again


def test_charts_do_not_import_matplotlib():
    code = (
        "import sys; from reports import charts; "
        "charts.radar_svg.__wrapped__(labels=['a', 'b', 'c'], series=[], title='t'); "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'numpy')], 'imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


# --- charts --------------------------------------------------------------------------------------


def test_radar_skips_empty_series_and_notes_missing_values():
    found = texts(radar())
    assert "全回答者" in found and "経営層" in found
    assert "除外される系列" not in found
    assert "データ不足の値は表示していません" in found
    assert {"20", "40", "60", "80"} <= set(found)  # the rings passed, labelled


def test_radar_places_scores_by_their_distance_from_the_centre():
    values = [80, 40, 100, 0, 60, None]
    svg = charts.radar_svg(
        labels=DIMENSIONS_EN,
        title="t",
        series=[
            {"name": "reference", "values": [50] * 6, "style": "all"},
            {"name": "scores", "values": values, "style": "executives"},
        ],
    )
    reference = dots(svg, charts.ALL)
    centre = (sum(x for x, _ in reference) / 6, sum(y for _, y in reference) / 6)
    radius = math.dist(centre, reference[0])  # a score of 50
    placed = dots(svg, charts.EXECUTIVES)
    assert len(placed) == 5  # none for the missing value
    for (x, y), value in zip(placed, [v for v in values if v is not None], strict=True):
        assert math.dist(centre, (x, y)) == pytest.approx(radius * value / 50, abs=0.05)
    assert placed[0][1] < centre[1]  # the first dimension at the top
    assert placed[1][0] > centre[0]  # then clockwise
    # the legend marks the series too, beyond the scores
    assert "reference" in texts(svg) and "scores" in texts(svg)


@pytest.mark.parametrize("count", [3, 8])
def test_radar_axis_counts(count):
    labels = (DIMENSIONS_JA * 2)[:count]
    svg = charts.radar_svg(
        labels=labels, title="t", series=[{"name": "全回答者", "values": [50] * count, "style": "all"}]
    )
    assert all(shows(svg, label) for label in labels)


def test_radar_with_nothing_to_draw():
    svg = charts.radar_svg(
        labels=DIMENSIONS_JA, title="t", series=[{"name": "全回答者", "values": [None] * 6, "style": "all"}]
    )
    assert "全回答者" not in texts(svg)


def test_gap_annotations_band_labels_and_not_available():
    found = texts(gap())
    assert "+22" in found and "\u22128" in found and "+3" in found
    assert "かなり高い" in found and "ほぼ同じ" in found  # band-only rows
    assert "低い" not in found  # a band label only where the exact gap is unknown
    assert "\u2014" in found  # neither known
    assert {"\u221215", "+15"} & set(found) or {"\u221220", "+20"} <= set(found)  # signed ticks


def test_gap_bars_are_proportional_and_diverge_from_zero():
    svg = charts.gap_svg(
        labels=DIMENSIONS_EN[:3],
        threshold=15,
        title="t",
        band_labels=BAND_LABELS,
        gaps=[
            {"gap": 30.0, "band": "much_higher", "large": True},
            {"gap": 10.0, "band": "similar", "large": False},
            {"gap": -20.0, "band": "much_lower", "large": True},
        ],
    )
    large_up, small_up = (
        rects(svg, fill=charts.EXECUTIVES)[0],
        rects(svg, fill=charts._tint(charts.EXECUTIVES, 0.55))[0],
    )
    down = rects(svg, fill=charts.OTHERS)[0]
    assert large_up["width"] == pytest.approx(3 * small_up["width"], rel=0.01)
    assert down["width"] == pytest.approx(2 * small_up["width"], rel=0.01)
    zero = large_up["x"]
    assert small_up["x"] == zero and down["x"] + down["width"] == pytest.approx(zero, abs=0.02)
    assert large_up["y"] < small_up["y"] < down["y"]  # first dimension on top


def test_gap_axis_grows_for_large_gaps():
    svg = charts.gap_svg(
        labels=DIMENSIONS_JA[:2],
        threshold=15,
        title="t",
        band_labels=BAND_LABELS,
        gaps=[{"gap": -55.0, "band": "much_lower", "large": True}, {"gap": None, "band": "lower", "large": False}],
    )
    found = texts(svg)
    assert "\u221255" in found and "\u221260" in found and "低い" in found


def test_heatmap_numbers_colours_and_missing_cells():
    svg = heatmap()
    found = texts(svg)
    for number in ["62", "45", "38", "30", "22", "100"]:  # 99.6 is written rounded
        assert number in found
    assert found.count("–") == 7  # one per missing cell
    assert len(rects(svg, fill=charts.MISSING)) == 7
    edges = charts.heatmap_svg(rows=["a"], columns=["x", "y", "z"], values=[[0, 50, 100]], title="t", missing_label="–")
    assert rects(edges, fill=charts.HEAT_SCALE[0])
    assert rects(edges, fill=charts.HEAT_SCALE[5])  # the scale's middle
    assert rects(edges, fill=charts.HEAT_SCALE[-1])
    assert "data:image/png;base64," in edges  # the colour scale under the grid
    assert {"0", "25", "50", "75", "100"} <= set(texts(edges))  # its ticks


def test_heatmap_rows_grow_with_their_labels():
    svg = charts.heatmap_svg(
        rows=["短い", "その他（統合：人事部、IT・DX推進部、生産本部、マーケティング部、研究開発本部、営業本部）"],
        columns=DIMENSIONS_JA[:2],
        values=[[10, 20], [30, 40]],
        title="t",
        missing_label="–",
    )
    short, long = sorted({r["height"] for r in rects(svg) if r["width"] > 20 and r["height"] > 10})
    assert long > 2 * short
    boxes = [box for box, text in _text_boxes(svg)]
    for i, a in enumerate(boxes):  # no two labels overlap
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.parametrize("rows", [1, 20])
def test_heatmap_row_counts(rows):
    svg = charts.heatmap_svg(
        rows=[f"部門{i}" for i in range(rows)],
        columns=DIMENSIONS_JA,
        values=[[(i * 7 + j * 13) % 101 for j in range(6)] for i in range(rows)],
        title="t",
        missing_label="–",
    )
    assert "部門0" in texts(svg) and f"部門{rows - 1}" in texts(svg)
    assert len(svg.encode()) < 60_000


def test_delta_changes_and_missing_values():
    found = texts(delta())
    assert "+7" in found and "+5" in found and "\u22123" in found and "+11" in found
    assert found.count("\u2014") == 2  # previous missing once, current missing once
    assert "前回" in found and "今回" in found


def test_delta_places_values_on_the_scale():
    svg = charts.delta_svg(
        labels=DIMENSIONS_EN[:2],
        previous=[0, 50],
        current=[100, 25],
        title="t",
        legend={"previous": "p", "current": "c"},
    )
    (zero, y0), (half, y1) = dots(svg, charts.PREVIOUS)[:2]
    (full, _), (quarter, _) = dots(svg, charts.ALL)[:2]
    assert full - zero == pytest.approx(2 * (half - zero), abs=0.05)
    assert half - zero == pytest.approx(2 * (quarter - zero), abs=0.05)
    assert y0 < y1


def test_delta_without_previous_campaign_values():
    svg = charts.delta_svg(
        labels=DIMENSIONS_JA,
        previous=[None] * 6,
        current=[None] * 6,
        title="t",
        legend={"previous": "前回", "current": "今回"},
    )
    assert texts(svg).count("\u2014") == 6


def test_nan_is_drawn_as_missing():
    """pandas gives NaN where a score is missing: drawn as absent, never raising."""
    nan = float("nan")
    spider = charts.radar_svg(
        labels=DIMENSIONS_EN[:3],
        title="t",
        missing_note="some missing",
        series=[{"name": "all", "values": [50, nan, 60], "style": "all"}],
    )
    assert len(dots(spider, charts.ALL)) == 2 and "some missing" in texts(spider)
    heat = charts.heatmap_svg(rows=["a"], columns=["x", "y"], values=[[nan, 40]], title="t", missing_label="–")
    assert texts(heat).count("–") == 1 and len(rects(heat, fill=charts.MISSING)) == 1
    change = charts.delta_svg(
        labels=["x"], previous=[nan], current=[40], title="t", legend={"previous": "p", "current": "c"}
    )
    assert "\u2014" in texts(change) and "nan" not in change
    bars = charts.gap_svg(
        labels=["x"], threshold=15, title="t", band_labels=BAND_LABELS, gaps=[{"gap": nan, "band": None, "large": None}]
    )
    assert "\u2014" in texts(bars)


def test_wrap():
    assert charts._wrap("経営陣のビジョンと方向性") == "経営陣の\nビジョンと方向性"
    assert charts._wrap("部門を越えた協力体制") == "部門を越えた協力体制"  # one over: no orphan
    for line in charts._wrap("イノベーション推進チームの能力と持続性").split("\n"):
        assert line[0] not in charts._NO_LINE_START and len(line) <= 10
    wrapped = charts._wrap("Executive exposure and ecosystem engagement")
    assert all(len(line) <= 14 for line in wrapped.split("\n"))
