"""Consultant deliverables read back: PPTX with python-pptx, XLSX with pandas, the kit with pdftotext."""

import io
import re
import subprocess
from datetime import date

import pandas as pd
import pytest
from django.urls import reverse
from pptx import Presentation
from pptx.oxml.ns import qn

from assessment.analysis import campaign_results
from assessment.demo import demo_organisation_create
from followthrough import services
from followthrough.datapack import data_pack_xlsx
from followthrough.deck import deck_pptx
from followthrough.kit import kit_pdf, statement_spreads

from .test_analysis import add_responses


@pytest.fixture
def demo(framework):
    campaign = demo_organisation_create(framework=framework, seed=4)
    services.commitment_set(
        campaign=campaign,
        dimension="vision",
        target_level=3,
        target_date=date(2027, 3, 31),
        rationale="全社員に方向性を説明する",
    )
    rec = campaign_results(campaign=campaign)["recommendations"][0]
    services.actions_create_from_recommendations(campaign=campaign, keys=[rec["key"]])
    return campaign


def _charts(prs):
    return [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]


def _slide_texts(prs):
    texts = []
    for slide in prs.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        texts.append("\n".join(parts))
    return texts


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_deck_carries_the_reports_numbers_in_native_charts(demo, lang):
    result = campaign_results(campaign=demo)
    prs = Presentation(io.BytesIO(deck_pptx(campaign=demo, lang=lang)))
    assert len(prs.slides) == 7  # title, summary, radar, gap, heatmap, recommendations, commitments
    radar, gap = _charts(prs)
    order = [d["key"] for d in result["dimension_info"]]
    names = [d["name"][lang] for d in result["dimension_info"]]
    assert list(radar.plots[0].categories) == names
    series = {s.name: list(s.values) for s in radar.plots[0].series}
    assert next(iter(series.values())) == [round(result["dimensions"][k]["score"], 1) for k in order]
    gaps = {g["dimension"]: g for g in result["gaps"]}
    assert list(series.values())[1] == [round(gaps[k]["executives"], 1) for k in order]
    assert list(gap.plots[0].series[0].values) == [round(gaps[k]["gap"], 1) for k in order]
    texts = _slide_texts(prs)
    assert result["campaign"]["organisation_name"][lang] in texts[0]
    assert result["first_three"][0]["title"][lang] in texts[1]
    assert result["recommendations"][0]["title"][lang] in texts[5]
    assert "全社員に方向性を説明する" in texts[6]
    # the heatmap shows only released department cells, as whole numbers
    shown = list(result["groups"]["department"])
    heat = next(s.table for s in prs.slides[4].shapes if s.has_table)
    assert len(heat.rows) == len(shown) + 1
    first = shown[0]["dimensions"][order[0]]["score"]
    assert heat.cell(1, 1).text == ("–" if first is None else str(round(first)))


def test_every_run_names_a_japanese_east_asian_font(demo):
    prs = Presentation(io.BytesIO(deck_pptx(campaign=demo, lang="ja")))
    runs = [
        run
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for run in p.runs
    ]
    assert runs
    for run in runs:
        rpr = run._r.find(qn("a:rPr"))
        assert rpr.find(qn("a:ea")).get("typeface") == "Meiryo"
        assert rpr.find(qn("a:latin")) is not None
    for chart in _charts(prs):
        assert chart.font._rPr.find(qn("a:ea")).get("typeface") == "Meiryo"


def test_a_campaign_below_the_threshold_gives_a_short_deck_without_numbers(campaign):
    add_responses(campaign, 3, agreement=4)
    prs = Presentation(io.BytesIO(deck_pptx(campaign=campaign, lang="en")))
    assert len(prs.slides) == 2 and _charts(prs) == []
    assert "Too few responses" in _slide_texts(prs)[1]


def test_the_data_pack_reads_back_with_the_released_numbers(demo):
    result = campaign_results(campaign=demo)
    sheets = pd.read_excel(io.BytesIO(data_pack_xlsx(campaign=demo, lang="en")), sheet_name=None)
    assert list(sheets) == [
        "Summary",
        "Dimensions",
        "Groups",
        "Statements",
        "Recommendations",
        "Targets",
        "Actions",
        "Notes",
    ]
    dims = sheets["Dimensions"]
    assert list(dims["Score"]) == [round(result["dimensions"][d["key"]]["score"], 1) for d in result["dimension_info"]]
    groups = sheets["Groups"]
    assert len(groups) == len(result["groups"]["role_group"]) + len(result["groups"]["department"])
    assert set(groups["Respondents"]) <= {row["n"] for rows in result["groups"].values() for row in rows}
    # suppressed cells are dashes, never numbers worked out here
    released = [
        row["dimensions"][k]["score"] for rows in result["groups"].values() for row in rows for k in row["dimensions"]
    ]
    dashes = (groups.iloc[:, 4:] == "–").sum().sum()
    assert dashes == sum(1 for v in released if v is None)
    assert len(sheets["Statements"]) == len(result["items"])
    assert sheets["Targets"].iloc[0]["Target level"] == 3
    assert sheets["Actions"].iloc[0]["Action"] == result["recommendations"][0]["title"]["en"]


def test_the_japanese_data_pack_has_japanese_sheets(demo):
    sheets = pd.read_excel(io.BytesIO(data_pack_xlsx(campaign=demo, lang="ja")), sheet_name=None)
    assert "観点" in sheets and "設問" in sheets and "アクション" in sheets
    assert "全社員に方向性を説明する" in sheets["目標"].to_string()


def _pdftotext(pdf, tmp_path):
    path = tmp_path / "kit.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_facilitator_kit_has_an_agenda_and_one_card_per_dimension(demo, lang, tmp_path):
    pdf = kit_pdf(campaign=demo, lang=lang)
    text = _pdftotext(pdf, tmp_path)
    pages = text.split("\f")
    result = campaign_results(campaign=demo)
    infos = result["dimension_info"]
    assert len([p for p in pages if p.strip()]) == 1 + len(infos)  # agenda, then one A4 card each
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", "アジェンダ" if lang == "ja" else "Agenda") in flat
    for page, info in zip(
        pages[1:], infos, strict=False
    ):  # one page per dimension after the agenda; later pages are not checked here
        squeezed = re.sub(r"\s+", "", page)
        assert re.sub(r"\s+", "", info["name"][lang]) in squeezed
        for n in "12345":
            assert re.sub(r"\s+", "", info["levels"][n][lang])[:20] in squeezed
    # prompts quote the statements of widest spread within the card's dimension
    spreads = statement_spreads(campaign=demo, result=result)
    text_of = {i["key"]: i["text"][lang] for i in result["item_info"]}
    vision = sorted((k for k in spreads if k.startswith("vision")), key=lambda k: -spreads[k])[0]
    assert re.sub(r"\s+", "", text_of[vision])[:20] in re.sub(r"\s+", "", pages[1])


def test_statement_spread_is_used_only_where_enough_people_answered(campaign):
    add_responses(campaign, 6, agreement=2)
    add_responses(campaign, 6, agreement=4)
    result = campaign_results(campaign=campaign)
    spreads = statement_spreads(campaign=campaign, result=result)
    assert spreads and all(v > 0 for v in spreads.values())
    campaign.anonymity_threshold = 13  # more than answered any statement
    assert statement_spreads(campaign=campaign, result=result) == {}


@pytest.mark.parametrize(
    "name, kind", [("deck", "presentation"), ("data_pack", "spreadsheet"), ("facilitator_kit", "pdf")]
)
@pytest.mark.parametrize(
    "who, status", [("owner", 200), ("member", 200), ("consultant", 200), ("outsider", 404), (None, 302)]
)
def test_downloads_follow_the_report_rules(client, campaign, request, name, kind, who, status):
    add_responses(campaign, 6, agreement=3)
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(f"followthrough:{name}", args=[campaign.pk]) + "?lang=ja")
    assert response.status_code == status
    if status == 200:
        assert kind in response["Content-Type"] and "attachment" in response["Content-Disposition"]


def test_an_unknown_language_is_a_404(client, demo):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", password="x-long-password-1")
    client.force_login(admin)
    assert client.get(reverse("followthrough:deck", args=[demo.pk]) + "?lang=fr").status_code == 404


def test_the_re_assessment_deck_has_the_loop_slide(campaign):
    from followthrough.selectors import loop_data

    from .test_followthrough_core import _reassess

    add_responses(campaign, 6, agreement=2, role="business")
    add_responses(campaign, 5, agreement=4, role="executive", department_key="sales")
    services.commitment_set(
        campaign=campaign, dimension="vision", target_level=3, target_date=date(2027, 3, 31), rationale="x"
    )
    second = _reassess(campaign)
    add_responses(second, 6, agreement=3, role="business")
    add_responses(second, 5, agreement=4, role="executive", department_key="sales")
    prs = Presentation(io.BytesIO(deck_pptx(campaign=second, lang="en")))
    assert len(prs.slides) == 8
    table = next(s.table for s in prs.slides[7].shapes if s.has_table)
    row = loop_data(campaign=second)["rows"][0]
    cells = [table.cell(1, c).text for c in range(6)]
    assert cells == [
        "Executive vision and direction",
        "3",
        str(row["executives_now"]),
        str(row["staff_before"]),
        str(row["staff_now"]),
        "0 / 0",
    ]
