"""The demo report's PDF read page by page (pdftotext), as its reader turns the pages (issue 16).

Each page's running header must name a section heading that appears on that page or an earlier
one; the cover carries the period, the response rate and a confidentiality note; the workshop's
agreed scores sit beside the survey's. The first three pages are saved as PNG in
var/screenshots/ for a reviewer.
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from assessment.models import Campaign, Invitation
from reports import services
from workshop.models import WorkshopAgreement, WorkshopSession

from .conftest import FRAMEWORK_FILE

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
HEADINGS = {
    "en": [
        "Executive summary",
        "Readiness by dimension",
        "Workshop results",
        "Perception gap",
        "Departments",
        "By role",
        "Recommendations",
        "Method and anonymity",
    ],
    "ja": ["エグゼクティブサマリー", "ワークショップの結果", "推奨施策", "算出方法と匿名性"],
}


@pytest.fixture
def demo_campaign(db):
    call_command("load_framework", str(FRAMEWORK_FILE))
    call_command("seed_demo", "--seed", "3", "--no-link", "--force")
    campaign = Campaign.objects.get(organisation__slug="demo-manufacturing")
    session = WorkshopSession.objects.create(campaign=campaign, phase="closed")
    WorkshopAgreement.objects.create(
        session=session,
        dimension="vision",
        agreed_score=35,
        rationale="Executives agreed the vision is not yet usable in decisions.",
    )
    return campaign


def pdf_pages(pdf, tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return path, text.split("\f")[:-1]


def page_header(page):
    """The first non-empty line: organisation name left, section name right."""
    first = next(line for line in page.splitlines() if line.strip())
    return re.split(r"\s{2,}", first.strip())


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_running_headers_name_a_heading_on_or_before_the_page(demo_campaign, tmp_path, lang):
    path, pages = pdf_pages(services.report_pdf(campaign=demo_campaign, lang=lang), tmp_path, f"report-{lang}")
    assert len(pages) >= 8
    organisation = demo_campaign.organisation.name_ja if lang == "ja" else demo_campaign.organisation.name_en
    seen = ""
    checked = 0
    for number, page in enumerate(pages, start=1):
        seen += page
        if number == 1:
            continue  # the cover has no running header
        parts = page_header(page)
        assert parts[0] == organisation, (number, parts)
        assert len(parts) >= 2, (number, parts)
        section = parts[1]
        # the section named must have been a heading (a line of its own) on this page or before
        body_before = "\n".join(p for p in pages[:number])
        heading_lines = [line.strip() for line in body_before.splitlines()]
        assert section in heading_lines, (number, section)
        checked += 1
    assert checked == len(pages) - 1
    # page numbers in the footer, on every page after the cover
    assert all(re.search(rf"\b{n} / {len(pages)}\b", page) for n, page in enumerate(pages, start=1) if n > 1)
    for heading in HEADINGS[lang]:
        assert heading in seen, heading
    # no section heading is left alone at the bottom of a page
    from django.utils import translation

    with translation.override(lang):
        context = services.report_context_for(campaign=demo_campaign, lang=lang)
    headings = set(HEADINGS[lang]) | {d["name"] for d in context["dimensions"]}
    for number, page in enumerate(pages[1:], start=2):
        body = [line.strip() for line in page.splitlines() if line.strip()]
        last = body[-2] if re.fullmatch(r"\d+ / \d+", body[-1]) else body[-1]
        assert last not in headings, (number, last)

    # the cover: period, response rate (organisation level), confidentiality
    cover = pages[0]
    invited = Invitation.objects.filter(campaign=demo_campaign).count()
    submitted = Invitation.objects.filter(campaign=demo_campaign, response__submitted_at__isnull=False).count()
    opens, closes = (timezone_date(demo_campaign.opens_at), timezone_date(demo_campaign.closes_at))
    assert opens in cover and closes in cover
    if lang == "en":
        assert f"{submitted} of {invited} invited" in cover
        assert "Confidential" in cover
        assert f"{submitted} of {invited} invited" in pages[1]  # the executive summary repeats it
    else:
        assert f"対象者{invited}人中{submitted}人が回答" in cover
        assert "社外秘" in cover
        assert f"対象者{invited}人中{submitted}人が回答" in pages[1]

    # the workshop's agreed score beside the survey's
    assert "Executives agreed the vision is not yet usable in decisions." in " ".join(seen.split())

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "3", str(path), str(SCREENSHOTS / f"report-{lang}-page")],
        check=True,
    )


def timezone_date(value):
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d")


def test_a_repeated_table_heading_follows_a_table_onto_the_next_page(demo_campaign, tmp_path):
    """The role table's heading row is in a thead, which WeasyPrint repeats on a continued table."""
    from django.template.loader import render_to_string

    context = services.report_context_for(campaign=demo_campaign, lang="en")
    html = render_to_string(services.PDF_TEMPLATE, context)
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        assert table.count("<thead>") <= 1  # a second thead would not repeat
        assert "<thead>" in table
