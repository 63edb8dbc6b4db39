"""Report charts: inline-ready SVG, Japanese text as text, missing values drawn as absent."""

import re
import warnings
import xml.etree.ElementTree as ET

import pytest

from reports import charts

SVG = "{http://www.w3.org/2000/svg}"

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
    """The text content of every <text> element (matplotlib writes one per line)."""
    return [el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text")]


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
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    # Scales with its container instead of a fixed size in points.
    assert root.get("width") == "100%" and root.get("height") is None
    assert len(svg.encode()) < 200_000


def test_japanese_labels_are_text_without_missing_glyphs(build):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = build()
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert any("経営陣" in text for text in texts(svg))
    assert "IPAexGothic" in svg  # the font is named, the glyphs are not outlined


def test_glyph_check_would_catch_a_font_without_japanese(monkeypatch):
    monkeypatch.setitem(charts._RC, "font.family", ["DejaVu Sans"])
    with pytest.warns(UserWarning, match="missing from font"):
        radar()


def test_english_labels(build):
    svg = build(labels=DIMENSIONS_EN)
    assert any("Executive" in text for text in texts(svg))
    ET.fromstring(svg)


def test_deterministic(build, no_report_cache):
    assert build() == build()  # drawn twice: the cache would hide a difference


def test_ids_are_unique_across_charts_on_one_page():
    ids = [i for svg in (radar(), gap(), heatmap(), delta()) for i in re.findall(r'\sid="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))


# --- charts --------------------------------------------------------------------------------------


def test_radar_skips_empty_series_and_notes_missing_values():
    found = texts(radar())
    assert "全回答者" in found and "経営層" in found
    assert "除外される系列" not in found
    assert "データ不足の値は表示していません" in found


@pytest.mark.parametrize("count", [3, 8])
def test_radar_axis_counts(count):
    labels = (DIMENSIONS_JA * 2)[:count]
    svg = charts.radar_svg(
        labels=labels, title="t", series=[{"name": "全回答者", "values": [50] * count, "style": "all"}]
    )
    ET.fromstring(svg)


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


def test_heatmap_numbers_and_missing_cells():
    found = texts(heatmap())
    for number in ["62", "45", "38", "30", "22", "100"]:  # 99.6 is written rounded
        assert number in found
    assert found.count("–") == 7  # one per missing cell


@pytest.mark.parametrize("rows", [1, 20])
def test_heatmap_row_counts(rows):
    svg = charts.heatmap_svg(
        rows=[f"部門{i}" for i in range(rows)],
        columns=DIMENSIONS_JA,
        values=[[(i * 7 + j * 13) % 101 for j in range(6)] for i in range(rows)],
        title="t",
        missing_label="–",
    )
    assert "部門0" in texts(svg)
    assert len(svg.encode()) < 200_000


def test_delta_changes_and_missing_values():
    found = texts(delta())
    assert "+7" in found and "+5" in found and "\u22123" in found and "+11" in found
    assert found.count("\u2014") == 2  # previous missing once, current missing once
    assert "前回" in found and "今回" in found


def test_delta_without_previous_campaign_values():
    svg = charts.delta_svg(
        labels=DIMENSIONS_JA,
        previous=[None] * 6,
        current=[None] * 6,
        title="t",
        legend={"previous": "前回", "current": "今回"},
    )
    assert texts(svg).count("\u2014") == 6


def test_wrap():
    assert charts._wrap("経営陣のビジョンと方向性") == "経営陣の\nビジョンと方向性"
    assert charts._wrap("部門を越えた協力体制") == "部門を越えた協力体制"  # one over: no orphan
    for line in charts._wrap("イノベーション推進チームの能力と持続性").split("\n"):
        assert line[0] not in charts._NO_LINE_START and len(line) <= 10
    wrapped = charts._wrap("Executive exposure and ecosystem engagement")
    assert all(len(line) <= 14 for line in wrapped.split("\n"))
