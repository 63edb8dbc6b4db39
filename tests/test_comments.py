"""Optional comments: stored from the respondent pages, shown only for groups of at least the comment threshold."""

import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessment import routing
from assessment.analysis import campaign_results
from assessment.comments import comment_save
from assessment.models import Answer, Comment, Department, Response
from assessment.services import ResponseLocked, framework_load, invitation_create
from reports.comments import comments_section
from reports.pdf import template_to_html, template_to_pdf
from reports.services import PDF_TEMPLATE, report_context_for
from reports.themes import recurring_terms

from .conftest import FRAMEWORK_FILE
from .factories import CampaignFactory, DepartmentFactory


@pytest.fixture
def campaign_1_1(db):
    framework_load(path=FRAMEWORK_FILE)
    framework, _ = framework_load(path=FRAMEWORK_FILE.parent / "innovation-readiness-1.1.yaml")
    campaign = CampaignFactory(framework=framework)
    DepartmentFactory(organisation=campaign.organisation, key="rd", name_en="R&D", name_ja="研究開発")
    DepartmentFactory(organisation=campaign.organisation, key="sales", name_en="Sales", name_ja="営業")
    return campaign


def url(name, token, *args):
    return reverse(f"respondent:{name}", args=[token, *args])


def submitted(campaign, count, *, department="rd", role="business", comment=None, obstacle=None):
    dept = Department.objects.get(organisation=campaign.organisation, key=department)
    items = routing.items_shown(list(campaign.framework.items.all()), role)
    budget = campaign.framework.dimensions.get(key="budget")
    for n in range(count):
        invitation, _token = invitation_create(campaign=campaign, role_group=role, department=dept)
        response = Response.objects.create(invitation=invitation, campaign=campaign, role_group=role, department=dept)
        Answer.objects.bulk_create(Answer(response=response, item=item, value=3) for item in items)
        if comment:
            comment_save(response=response, kind="dimension", dimension=budget, text=comment.format(n=n))
        if obstacle:
            comment_save(response=response, kind="obstacle", text=obstacle.format(n=n))
        response.submitted_at = timezone.now()
        response.save()


def test_respondent_writes_a_dimension_comment_and_the_biggest_obstacle(client, campaign_1_1):
    _i, token = invitation_create(campaign=campaign_1_1, role_group="corporate")
    client.post(url("start", token), {"department": Department.objects.get(key="rd").pk})
    page = client.get(url("dimension", token, "budget")).content.decode()
    assert 'name="comment"' in page and "最大の障害" not in page
    client.post(url("dimension", token, "budget"), {"comment": "  稟議が多いです。 ", "go": "next"})
    assert Comment.objects.get(kind="dimension").text == "稟議が多いです。"
    assert "稟議が多いです。" in client.get(url("dimension", token, "budget")).content.decode()
    client.post(url("dimension", token, "budget"), {"comment": "", "go": "next"})
    assert not Comment.objects.exists()  # blanking a comment removes it
    review = client.get(url("review", token)).content.decode()
    assert 'name="obstacle"' in review
    client.post(url("submit", token), {"obstacle": "Approval layers."})  # incomplete, but the comment is kept
    assert Comment.objects.get(kind="obstacle").text == "Approval layers."


def test_no_comment_after_submission(campaign_1_1):
    submitted(campaign_1_1, 1)
    with pytest.raises(ResponseLocked):
        comment_save(response=Response.objects.get(), kind="obstacle", text="late")


def test_comment_threshold_is_never_below_the_anonymity_threshold(campaign_1_1):
    campaign_1_1.comment_threshold = campaign_1_1.anonymity_threshold - 1
    with pytest.raises(IntegrityError), transaction.atomic():
        campaign_1_1.save()


def test_comments_hidden_below_the_comment_threshold_and_shown_at_it(campaign_1_1):
    submitted(campaign_1_1, 9, comment="稟議の段階が多く、契約に{n}か月かかります。")
    campaign_results(campaign=campaign_1_1)  # results (and comments) change only with a release
    section = comments_section(campaign=campaign_1_1, lang="ja")
    assert section == {"shown": False, "threshold": 10}
    submitted(campaign_1_1, 1, comment="Approval layers slow us down.")
    campaign_results(campaign=campaign_1_1)
    assert comments_section(campaign=campaign_1_1, lang="ja")["shown"] is False  # one more is not a release
    submitted(campaign_1_1, 4, comment="Approval layers slow us down.")
    campaign_results(campaign=campaign_1_1)
    section = comments_section(campaign=campaign_1_1, lang="ja")
    assert section["shown"] and section["count"] == 14
    (budget,) = section["dimensions"]
    assert len(budget["comments"]) == 14 and budget["name"] == "予算の継続性と経営のコミットメント"
    assert ("稟議", 9) in budget["themes"] and ("契約", 9) in budget["themes"]


def test_department_report_hides_comments_of_a_small_department(campaign_1_1):
    submitted(campaign_1_1, 12, department="rd", comment="rd {n}")
    submitted(campaign_1_1, 6, department="sales", comment="sales {n}")
    campaign_results(campaign=campaign_1_1)
    assert comments_section(campaign=campaign_1_1, lang="en")["shown"]
    assert comments_section(campaign=campaign_1_1, lang="en", department="sales")["shown"] is False
    context = report_context_for(campaign=campaign_1_1, lang="en", department="sales")
    html = template_to_html(PDF_TEMPLATE, context, lang="en")
    assert "sales 0" not in html and "Comments are shown only for groups of at least 10" in html


def test_comments_are_escaped_on_the_page_and_in_the_pdf_without_role_or_department(campaign_1_1):
    submitted(campaign_1_1, 10, obstacle="<script>alert({n})</script> & <b>bold</b>")
    context = report_context_for(campaign=campaign_1_1, lang="en")
    html = template_to_html(PDF_TEMPLATE, context, lang="en")
    assert "<script>alert(" not in html and "&lt;script&gt;alert(0)&lt;/script&gt; &amp; &lt;b&gt;" in html
    section = html[html.index('<section class="comments">') :]
    section = section[: section.index("</section>")]
    assert "R&amp;D" not in section and "Business" not in section
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(template_to_pdf(PDF_TEMPLATE, context, lang="en"))).pages
    )
    assert "<script>alert(0)</script>" in text  # shown as text, not run


def test_recurring_terms_in_english_by_stemming_and_need_two_comments():
    terms = recurring_terms(
        ["Approvals take months.", "Too many approval layers.", "Approved too late.", "Budget cut."]
    )
    assert terms == [("approvals", 3)]  # approvals, approval, approved: one stem, three comments
    assert recurring_terms(["予算が足りません。"]) == []


def test_1_0_campaigns_have_no_comment_section(campaign):
    assert comments_section(campaign=campaign, lang="en") is None
