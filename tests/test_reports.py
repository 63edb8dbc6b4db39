"""Reports: PDFs parsed back, pages looked at, and who may read them."""

import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from assessment.analysis import campaign_results
from assessment.demo import demo_organisation_create
from assessment.models import Campaign, Invitation, Response
from assessment.services import invitation_create
from reports.services import report_pdf

from .test_analysis import add_responses


@pytest.fixture
def demo(framework):
    return demo_organisation_create(framework=framework, seed=4)


def pdf_text(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "".join(page.extract_text() or "" for page in reader.pages)


def squeeze(text):
    return re.sub(r"\s+", "", text)


def test_japanese_organisation_report_pdf(demo, tmp_path):
    path = tmp_path / "report-ja.pdf"
    call_command("render_report", str(demo.pk), "--lang", "ja", "-o", str(path))
    reader, text = pdf_text(path.read_bytes())
    assert len(reader.pages) >= 8
    flat = squeeze(text)
    assert "デモ製造株式会社" in flat
    assert "エグゼクティブサマリー" in flat or "要約" in flat
    top = campaign_results(campaign=demo)["recommendations"][0]
    assert squeeze(top["title"]["ja"])[:12] in flat
    assert squeeze(campaign_results(campaign=demo)["dimension_info"][0]["name"]["ja"]) in flat
    # page numbers in the footer
    assert re.search(rf"2\s*/\s*{len(reader.pages)}", text)


def test_english_report_pdf_and_the_top_recommendation(demo):
    _reader, text = pdf_text(report_pdf(campaign=demo, lang="en"))
    flat = squeeze(text)
    assert "Executivesummary" in flat and "DemoManufacturingCo." in flat
    top = campaign_results(campaign=demo)["recommendations"][0]
    assert squeeze(top["title"]["en"]) in flat
    assert squeeze(top["reason"]["text"]["en"])[:30] in flat


def test_recommendation_tags_are_one_line_of_text_in_print_and_pills_on_the_page(demo, client, demo_members):
    """In print, owner, horizon and priority are plain text (inline boxes are WeasyPrint's dearest
    part of a line); the web page keeps its pills."""
    _reader, english = pdf_text(report_pdf(campaign=demo, lang="en"))
    assert re.search(r"Owner: [^\n·]+ · Horizon: [^\n·]+ · Priority 1", english)
    _reader, japanese = pdf_text(report_pdf(campaign=demo, lang="ja"))
    assert re.search(r"担当：[^｜]+｜期間：[^｜]+｜優先度1", squeeze(japanese))
    client.force_login(demo_members["owner"])
    page = client.get(reverse("reports:organisation", args=[demo.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<span class="tag">Owner: [^<]+</span> <span class="tag">Horizon: ', page)


def test_first_page_image_is_not_blank(demo, tmp_path):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(report_pdf(campaign=demo, lang="ja"))
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "3", "-l", "3", str(pdf), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    histogram = image.histogram()  # 256 counts of grey levels
    dark = sum(histogram[:200])
    assert dark > image.width * image.height * 0.01  # text and a chart, not an empty page


def test_department_report_and_small_departments(demo, tmp_path):
    result = campaign_results(campaign=demo)
    shown = next(row["key"] for row in result["groups"]["department"] if row["key"])
    _reader, text = pdf_text(report_pdf(campaign=demo, lang="en", department=shown))
    assert "Executivesummary" in squeeze(text)
    hidden = next(d for d in demo.organisation.departments.all() if d.key not in result["published_departments"])
    _reader, text = pdf_text(report_pdf(campaign=demo, lang="en", department=hidden.key))
    assert "Thisdepartment'sresultsarenotpublished" in squeeze(text) and "Executivesummary" not in squeeze(text)


def test_render_report_command_errors(demo, tmp_path):
    with pytest.raises(CommandError, match="No campaign with id 999"):
        call_command("render_report", "999", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match=r"No department 'nope'.*known: "):
        call_command("render_report", str(demo.pk), "--department", "nope", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("render_report", str(demo.pk), "-o", str(tmp_path / "missing-dir" / "x.pdf"))


def test_report_of_a_campaign_below_the_threshold_says_so(campaign):
    add_responses(campaign, 3, agreement=4)
    _reader, text = pdf_text(report_pdf(campaign=campaign, lang="en"))
    assert "Notenoughresponsesyet" in squeeze(text) and "Executivesummary" not in squeeze(text)


def test_previous_campaign_comparison_appears(campaign):
    from datetime import timedelta

    from .factories import CampaignFactory

    add_responses(campaign, 5, agreement=2)
    later = CampaignFactory(
        organisation=campaign.organisation,
        framework=campaign.framework,
        name="Second round",
        opens_at=campaign.opens_at + timedelta(days=180),
        closes_at=campaign.closes_at + timedelta(days=180),
    )
    add_responses(later, 5, agreement=4)
    _reader, text = pdf_text(report_pdf(campaign=later, lang="en"))
    assert "Changesincethepreviousassessment" in squeeze(text) and "+50" in text


# --- the web pages and who may see them ------------------------------------------------------


@pytest.fixture
def demo_members(demo):
    """The standing users, on the demo organisation."""
    from .conftest import _user
    from .factories import OrganisationFactory

    return {
        "owner": _user("owner", demo.organisation, "hr"),
        "member": _user("member", demo.organisation, "executive"),
        "outsider": _user("outsider", OrganisationFactory(), "hr"),
    }


def report_urls(campaign):
    return [
        reverse("reports:organisation", args=[campaign.pk]),
        reverse("reports:organisation_pdf", args=[campaign.pk]) + "?lang=en",
        reverse("reports:department", args=[campaign.pk, "sales"]),
        reverse("reports:department_pdf", args=[campaign.pk, "sales"]) + "?lang=ja",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, demo):
    for url in report_urls(demo):
        reply = client.get(url)
        assert reply.status_code == 302 and "login" in reply["Location"], url


def test_outsiders_and_users_without_a_membership_get_nothing(client, demo, demo_members):
    from .conftest import _user

    for user in (demo_members["outsider"], _user("nobody", None, None, is_staff=True)):
        client.force_login(user)
        for url in report_urls(demo):
            assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["owner", "member"])
def test_owner_and_same_organisation_viewer_read_reports_and_pdfs(client, demo, demo_members, who):
    client.force_login(demo_members[who])
    page = client.get(reverse("reports:organisation", args=[demo.pk]), HTTP_ACCEPT_LANGUAGE="ja")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "デモ製造株式会社" in html
    pdf = client.get(reverse("reports:organisation_pdf", args=[demo.pk]) + "?lang=en")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].endswith('-en.pdf"')
    assert client.get(reverse("reports:department", args=[demo.pk, "sales"])).status_code == 200
    assert client.get(reverse("reports:organisation_pdf", args=[demo.pk]) + "?lang=fr").status_code == 404
    assert client.get(reverse("reports:department", args=[demo.pk, "nope"])).status_code == 404
    assert client.get(reverse("reports:organisation", args=[999999])).status_code == 404


def test_personal_report_only_with_the_link_and_after_submitting(client, demo):
    campaign = Campaign.objects.get(pk=demo.pk)
    _invitation, token = invitation_create(campaign=campaign)
    assert client.get(reverse("reports:personal", args=[token])).status_code == 404  # not started
    # answer like a respondent and submit
    add_responses(campaign, 0, agreement=3)
    invitation = Invitation.objects.get(token_hash=_invitation.token_hash)
    response = Response.objects.create(invitation=invitation, campaign=campaign, role_group="business")
    from assessment.models import Answer

    Answer.objects.bulk_create(
        Answer(response=response, item=i, value=5 if not i.reverse else 1) for i in campaign.framework.items.all()
    )
    assert client.get(reverse("reports:personal", args=[token])).status_code == 404  # not submitted
    Response.objects.filter(pk=response.pk).update(submitted_at=demo.opens_at)
    page = client.get(reverse("reports:personal", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    rows = page.context["personal_rows"]
    assert {row["you"] for row in rows} == {100.0}
    assert all(row["everyone"] is not None for row in rows)
    pdf = client.get(reverse("reports:personal_pdf", args=[token]) + "?lang=ja")
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("reports:personal", args=["wrong-token"])).status_code == 404


def test_the_report_marks_reverse_worded_statements_and_keeps_executives_out_of_personal_reports(demo):
    from reports.context import report_context
    from reports.services import _organisation_only

    result = campaign_results(campaign=demo)
    context = report_context(result, lang="en")
    reverse = {i["key"] for i in result["item_info"] if i["reverse"]}
    listed = [i for d in context["dimensions"] for i in d["strongest"] + d["weakest"]]
    assert listed and all(i["reverse"] == (i["item"] in reverse) for i in listed)
    assert any(i["reverse"] for i in listed)  # the demo has reverse-worded statements among them
    html = render_to_string("reports/report_body.html", context)
    assert "(reverse-worded: a" in html
    assert "Executives' own view" in html and "Appendix: how far the numbers can be trusted" in html
    personal = _organisation_only(result)
    assert all(cell["executives"] is None for cell in personal["dimensions"].values())
    assert personal["method"] is None
