"""Campaign life-cycle pages of the staff console: who may use them, and what they do."""

import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessment import lifecycle
from assessment.loading import answers_loading
from assessment.models import (
    Answer,
    Campaign,
    Department,
    Invitation,
    Membership,
    Organisation,
    Response,
)
from assessment.services import framework_load, invitation_create

from .conftest import FRAMEWORK_FILE, _user
from .factories import DepartmentFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The standing users are created with a password; the real hasher would take most of the time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- who may do what -------------------------------------------------------------------------

ADMINISTER = {"consultant"}
MANAGE = {"consultant", "owner"}
# (url name, what its pk is, methods, who may use it)
VIEWS = [
    ("organisation_create", None, ("get", "post"), ADMINISTER),  # needs the add_organisation permission
    ("organisation_detail", "organisation", ("get",), ADMINISTER),
    ("department_create", "organisation", ("post",), ADMINISTER),
    ("department_rename", "department", ("get", "post"), ADMINISTER),
    ("member_add", "organisation", ("post",), ADMINISTER),
    ("campaign_create", "organisation", ("get", "post"), MANAGE),
    ("campaign_detail", "campaign", ("get",), MANAGE),
    ("campaign_edit", "campaign", ("get", "post"), MANAGE),
    ("campaign_close", "campaign", ("post",), MANAGE),
    ("campaign_reopen", "campaign", ("get", "post"), MANAGE),
    ("campaign_clone", "campaign", ("get", "post"), MANAGE),
    ("campaign_respondents", "campaign", ("get", "post"), MANAGE),
    ("invitations_send", "campaign", ("post",), MANAGE),
    ("reminders_send", "campaign", ("post",), MANAGE),
    ("campaign_response_rates", "campaign", ("get",), MANAGE),
]
CASES = [(name, target, method, allowed) for name, target, methods, allowed in VIEWS for method in methods]


def url_for(name, target, campaign):
    args = {
        None: [],
        "organisation": [campaign.organisation_id],
        "campaign": [campaign.pk],
        "department": [
            campaign.organisation_id,
            Department.objects.get(organisation=campaign.organisation, key="rd").pk,
        ],
    }[target]
    return reverse(f"console:{name}", args=args)


@pytest.mark.parametrize("who", ["consultant", "owner", "member", "outsider", "anonymous"])
@pytest.mark.parametrize(("name", "target", "method", "allowed"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_permissions(client, request, campaign, name, target, method, allowed, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    reply = getattr(client, method)(url_for(name, target, campaign))
    if who == "anonymous":
        assert reply.status_code == 302 and reply["Location"].startswith("/accounts/login/")
    elif who in allowed:
        assert reply.status_code in (200, 302)
    else:
        assert reply.status_code == 404


@pytest.mark.parametrize(("name", "target", "methods"), [(n, t, m) for n, t, m, _a in VIEWS])
def test_other_methods_are_refused(client, consultant, campaign, name, target, methods):
    client.force_login(consultant)
    for method in {"get", "post", "put", "delete"} - set(methods):
        assert getattr(client, method)(url_for(name, target, campaign)).status_code == 405


def test_a_user_without_membership_and_ids_of_other_organisations_get_nothing(client, campaign, consultant, outsider):
    client.force_login(_user("nobody", None, None, is_staff=True))
    assert client.get(reverse("console:campaign_detail", args=[campaign.pk])).status_code == 404
    client.force_login(consultant)
    elsewhere = Membership.objects.get(user=outsider).organisation
    other = DepartmentFactory(organisation=elsewhere)
    assert (
        client.get(reverse("console:department_rename", args=[campaign.organisation_id, other.pk])).status_code == 404
    )
    assert client.get(reverse("console:organisation_detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("console:campaign_detail", args=[999999])).status_code == 404


def test_organisation_list_shows_only_what_the_user_manages(client, campaign, owner, member):
    assert client.get(reverse("console:organisation_list"))["Location"].startswith("/accounts/login/")
    client.force_login(owner)
    html = client.get(reverse("console:organisation_list")).content.decode()
    assert (
        campaign.organisation.name_en in html
        and reverse("console:campaign_create", args=[campaign.organisation_id]) in html
    )
    assert (
        f'href="{reverse("console:organisation_detail", args=[campaign.organisation_id])}"' not in html
    )  # HR does not set up
    client.force_login(member)
    assert campaign.organisation.name_en not in client.get(reverse("console:organisation_list")).content.decode()


def test_dashboard_links_to_the_campaign_pages(client, campaign, consultant, member):
    client.force_login(consultant)
    html = client.get(reverse("console:dashboard")).content.decode()
    for url in (
        reverse("console:organisation_create"),
        reverse("console:campaign_create", args=[campaign.organisation_id]),
        reverse("console:campaign_detail", args=[campaign.pk]),
    ):
        assert url in html
    client.force_login(member)
    html = client.get(reverse("console:dashboard")).content.decode()
    assert reverse("console:campaign_detail", args=[campaign.pk]) not in html
    assert reverse("console:organisation_create") not in html


# --- organisations ---------------------------------------------------------------------------


def test_consultant_creates_an_organisation_and_becomes_its_consultant(client, consultant, owner):
    data = {"slug": "acme-japan", "name_en": "Acme Japan", "name_ja": "アクメ・ジャパン"}
    client.force_login(owner)
    assert client.post(reverse("console:organisation_create"), data).status_code == 404
    assert not Organisation.objects.filter(slug="acme-japan").exists()
    client.force_login(consultant)
    reply = client.post(reverse("console:organisation_create"), data)
    organisation = Organisation.objects.get(slug="acme-japan")
    assert reply["Location"] == reverse("console:organisation_detail", args=[organisation.pk])
    assert Membership.objects.get(organisation=organisation, user=consultant).role == "consultant"
    again = client.post(reverse("console:organisation_create"), data)
    assert "already exists" in again.content.decode()


def test_departments_added_renamed_and_keys_unique(client, campaign, consultant):
    client.force_login(consultant)
    url = reverse("console:department_create", args=[campaign.organisation_id])
    assert client.post(url, {"key": "legal", "name_en": "Legal", "name_ja": "法務"}).status_code == 302
    reply = client.post(url, {"key": "rd", "name_en": "Research", "name_ja": "研究"})
    assert "A department with the key “rd” already exists" in reply.content.decode()
    assert campaign.organisation.departments.count() == 3
    rd = Department.objects.get(organisation=campaign.organisation, key="rd")
    client.post(
        reverse("console:department_rename", args=[campaign.organisation_id, rd.pk]),
        {"name_en": "Research", "name_ja": "研究", "version": rd.version},
    )
    rd.refresh_from_db()
    assert (rd.key, rd.name_en, rd.name_ja) == ("rd", "Research", "研究")


def test_members_added_by_username_or_email(client, campaign, consultant):
    _user("hanako", None, None, email="hanako@example.co.jp")
    _user("jiro", None, None)
    client.force_login(consultant)
    url = reverse("console:member_add", args=[campaign.organisation_id])
    assert client.post(url, {"user": "HANAKO@example.co.jp", "role": "hr"}).status_code == 302
    assert client.post(url, {"user": "jiro", "role": "executive"}).status_code == 302
    roles = dict(campaign.organisation.memberships.values_list("user__username", "role"))
    assert roles["hanako"] == "hr" and roles["jiro"] == "executive"
    assert "already a member" in client.post(url, {"user": "jiro", "role": "hr"}).content.decode()
    assert "No active user" in client.post(url, {"user": "nobody", "role": "hr"}).content.decode()


# --- campaigns -------------------------------------------------------------------------------


def when(days):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def campaign_data(campaign, **overrides):
    return {
        "framework": campaign.framework_id,
        "name": "Spring 2026",
        "opens_at": when(-1),
        "closes_at": when(20),
        "anonymity_threshold": "5",
        "comment_threshold": "10",
        "version": campaign.version,
        **overrides,
    }


def test_campaign_create_defaults_and_errors(client, campaign, owner):
    client.force_login(owner)
    url = reverse("console:campaign_create", args=[campaign.organisation_id])
    form = client.get(url).context["form"]
    assert form["framework"].value() == campaign.framework.pk and form["anonymity_threshold"].value() == 5
    bad_dates = client.post(url, campaign_data(campaign, closes_at=when(-1)))
    assert "The closing date must be after the opening date." in bad_dates.content.decode()
    assert (
        "greater than or equal to 3"
        in client.post(url, campaign_data(campaign, anonymity_threshold="2")).content.decode()
    )
    reply = client.post(url, campaign_data(campaign))
    created = Campaign.objects.get(name="Spring 2026")
    assert reply["Location"] == reverse("console:campaign_detail", args=[created.pk])
    assert created.organisation == campaign.organisation and created.anonymity_threshold == 5
    page = client.get(reply["Location"]).content.decode()
    assert "Open" in page and reverse("console:campaign_respondents", args=[created.pk]) in page


def test_campaign_edit_and_the_framework_stays_once_answered(client, campaign, owner):
    client.force_login(owner)
    url = reverse("console:campaign_edit", args=[campaign.pk])
    assert client.post(url, campaign_data(campaign, name="Renamed")).status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Renamed"
    invitation, _token = invitation_create(campaign=campaign)
    Response.objects.create(invitation=invitation, campaign=campaign)
    assert "framework" not in client.get(url).context["form"].fields


def test_close_now_and_reopen(client, campaign, owner):
    client.force_login(owner)
    client.post(reverse("console:campaign_close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert not campaign.is_open() and timezone.now() - campaign.closes_at < timedelta(minutes=1)
    again = client.post(reverse("console:campaign_close", args=[campaign.pk]), follow=True)
    assert "already closed" in again.content.decode()
    url = reverse("console:campaign_reopen", args=[campaign.pk])
    campaign.refresh_from_db()
    assert (
        "must be in the future"
        in client.post(url, {"closes_at": when(-1), "version": campaign.version}).content.decode()
    )
    assert client.post(url, {"closes_at": when(7), "version": campaign.version}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_open()


def test_a_scheduled_campaign_cannot_be_closed(campaign):
    campaign.opens_at = timezone.now() + timedelta(days=1)
    with pytest.raises(lifecycle.LifecycleError, match="not opened yet"):
        lifecycle.campaign_close(campaign=campaign)


def test_clone_copies_the_respondent_list_with_new_links_and_no_answers(client, campaign, owner):
    rd = Department.objects.get(organisation=campaign.organisation, key="rd")
    first, _token = invitation_create(
        campaign=campaign, email="a@example.com", name="A", role_group="executive", department=rd
    )
    invitation_create(campaign=campaign, email="b@example.com", name="B", role_group="business")
    invitation_create(campaign=campaign)  # a link without an e-mail is not on the list
    response = Response.objects.create(invitation=first, campaign=campaign, submitted_at=timezone.now())
    with answers_loading():  # a submitted response, then its answer
        Answer.objects.create(response=response, item=campaign.framework.items.first(), value=4)
    client.force_login(owner)
    url = reverse("console:campaign_clone", args=[campaign.pk])
    assert client.get(url).context["form"]["framework"].value() == campaign.framework.pk
    reply = client.post(
        url, campaign_data(campaign, name="Autumn re-assessment", opens_at=when(30), closes_at=when(60))
    )
    clone = Campaign.objects.get(name="Autumn re-assessment")
    assert reply["Location"] == reverse("console:campaign_detail", args=[clone.pk])
    assert clone.cloned_from == campaign and clone.organisation == campaign.organisation
    copied = {i.email: i for i in clone.invitations.all()}
    assert set(copied) == {"a@example.com", "b@example.com"}
    assert (copied["a@example.com"].role_group, copied["a@example.com"].department, copied["a@example.com"].name) == (
        "executive",
        rd,
        "A",
    )
    assert copied["a@example.com"].token_hash != first.token_hash and copied["a@example.com"].invited_at is None
    assert not clone.responses.exists() and Answer.objects.count() == 1
    assert (
        Invitation.objects.get(token_hash=first.token_hash).campaign == campaign
    )  # the old link stays the old campaign's


# --- respondent lists ------------------------------------------------------------------------

GOOD_CSV = "Email,Name,Role group,Department\ntaro@example.co.jp,Taro Yamada,executive,rd\nhanako@example.co.jp,Hanako Sato,Business department,Sales\n"


def upload(client, campaign, name, content):
    url = reverse("console:campaign_respondents", args=[campaign.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)


def invitations_of(campaign):
    return {
        i.email: (i.name, i.role_group, i.department.key if i.department else None) for i in campaign.invitations.all()
    }


def test_upload_a_good_csv_then_send_invitations_now(client, campaign, owner):
    client.force_login(owner)
    page = upload(client, campaign, "list.csv", GOOD_CSV.encode())
    html = page.content.decode()
    assert "2 people were added to the respondent list." in html and "Send invitations now" in html
    assert invitations_of(campaign) == {
        "taro@example.co.jp": ("Taro Yamada", "executive", "rd"),
        "hanako@example.co.jp": ("Hanako Sato", "business", "sales"),
    }


def test_upload_xlsx(client, campaign, owner):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (
        ["EMAIL", "name", "role", "department"],
        ["x@example.com", "X", "corporate", "営業"],
        [None, None, None, None],
        ["y@example.com", "Y", "Innovation team", "R&D"],
    ):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    client.force_login(owner)
    assert "2 people were added" in upload(client, campaign, "List.XLSX", data.getvalue()).content.decode()
    assert invitations_of(campaign) == {
        "x@example.com": ("X", "corporate", "sales"),
        "y@example.com": ("Y", "innovation_team", "rd"),
    }


def test_a_bad_file_reports_every_line_and_imports_nothing(client, campaign, owner):
    invitation_create(campaign=campaign, email="already@example.com")
    text = (
        "email,name,role group,department\n"
        "ok@example.com,OK,executive,rd\n"
        "broken-address,A,executive,rd\n"
        "b@example.com,B,chairman,rd\n"
        "\n"
        "c@example.com,C,business,marketing\n"
        "OK@example.com,Twice,business,rd\n"
        "already@example.com,Again,business,rd\n"
    )
    client.force_login(owner)
    html = upload(client, campaign, "list.csv", text.encode()).content.decode()
    assert "Nothing was imported" in html
    for problem in (
        "line 3: &#x27;broken-address&#x27; is not a valid e-mail address",
        "line 4: unknown role group",
        "line 6: unknown department",
        "line 7: ok@example.com is already on line 2",
        "line 8: already@example.com is already invited",
    ):
        assert problem in html
    assert campaign.invitations.count() == 1


def test_unreadable_and_wrong_type_files_are_refused(client, campaign, owner):
    client.force_login(owner)
    assert "Upload a .csv or .xlsx file." in upload(client, campaign, "list.txt", b"email\n").content.decode()
    assert "Nothing was imported" in upload(client, campaign, "list.xlsx", b"not a zip").content.decode()
    assert not campaign.invitations.exists()


def test_a_shift_jis_csv_with_japanese_names_and_labels(client, campaign, owner):
    text = (
        "メールアドレス,氏名,役割,部署\r\nyamada@example.co.jp,山田 太郎,経営層（社長・CEO、取締役、事業部門長など）,研究開発\r\n"
        "sato@example.co.jp,佐藤 花子,事業部門,営業\r\n"
    )
    client.force_login(owner)
    assert "2 people were added" in upload(client, campaign, "名簿.csv", text.encode("cp932")).content.decode()
    assert invitations_of(campaign) == {
        "yamada@example.co.jp": ("山田 太郎", "executive", "rd"),
        "sato@example.co.jp": ("佐藤 花子", "business", "sales"),
    }


# --- e-mail ----------------------------------------------------------------------------------


def submit(invitation):
    return Response.objects.create(invitation=invitation, campaign=invitation.campaign, submitted_at=timezone.now())


def test_invitations_are_bilingual_with_a_working_personal_link(client, campaign, owner, mailoutbox):
    campaign.organisation.name_ja = "テスト株式会社"
    campaign.organisation.save()
    taro, _t = invitation_create(campaign=campaign, email="taro@example.co.jp", name="山田 太郎")
    invitation_create(campaign=campaign, email="hanako@example.co.jp")
    submit(invitation_create(campaign=campaign, email="done@example.co.jp")[0])  # answered through another route
    invitation_create(campaign=campaign)  # no address
    client.force_login(owner)
    page = client.post(reverse("console:invitations_send", args=[campaign.pk]), follow=True)
    assert "2 invitations sent." in page.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == ["hanako@example.co.jp", "taro@example.co.jp"]
    mail = next(m for m in mailoutbox if m.to == ["taro@example.co.jp"])
    assert "テスト株式会社" in mail.subject and campaign.organisation.name_en in mail.subject
    body = mail.body
    assert (
        body.index("山田 太郎 様")
        < body.index("回答期限")
        < body.index("Dear 山田 太郎")
        < body.index("Please answer by")
    )
    closes = timezone.localtime(campaign.closes_at)
    assert f"{closes.year}年{closes.month}月{closes.day}日" in body and "&amp;" not in body
    links = re.findall(r"https?://\S+/r/\S+/", body)
    assert len(links) == 2 and links[0] == links[1]
    start = client.get(urlsplit(links[0]).path)
    assert start.status_code == 200 and start.context["survey"].invitation == taro  # the link is Taro's own
    assert Invitation.objects.get(pk=taro.pk).invited_at is not None
    mailoutbox.clear()
    client.post(reverse("console:invitations_send", args=[campaign.pk]))
    assert mailoutbox == []  # nobody twice


def test_the_invitation_link_opens_that_persons_start_page(client, campaign, owner, mailoutbox):
    invitation, _t = invitation_create(campaign=campaign, email="taro@example.co.jp")
    client.force_login(owner)
    client.post(reverse("console:invitations_send", args=[campaign.pk]))
    path = urlsplit(re.search(r"https?://\S+/r/\S+/", mailoutbox[0].body).group()).path
    client.logout()
    assert client.get(path).status_code == 200
    Invitation.objects.filter(pk=invitation.pk).update(token_hash="changed")
    assert client.get(path).status_code == 404


def test_an_invitation_sent_before_opening_says_when_it_opens(campaign, mailoutbox):
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=timezone.now() + timedelta(days=2))
    campaign.refresh_from_db()
    invitation_create(campaign=campaign, email="early@example.com")
    assert lifecycle.invitations_send(campaign=campaign) == {"sent": 1, "without_link": 0}
    assert "回答受付開始" in mailoutbox[0].body and "The survey opens on" in mailoutbox[0].body


def test_reminders_only_to_the_invited_who_have_not_submitted(client, campaign, owner, mailoutbox):
    long_ago = timezone.now() - timedelta(days=3)
    waiting, _t = invitation_create(campaign=campaign, email="waiting@example.com")
    started, _t = invitation_create(campaign=campaign, email="started@example.com")
    done, _t = invitation_create(campaign=campaign, email="done@example.com")
    invitation_create(campaign=campaign, email="not-invited@example.com")
    recent, _t = invitation_create(campaign=campaign, email="recent@example.com")
    Invitation.objects.filter(pk__in=[waiting.pk, started.pk, done.pk]).update(invited_at=long_ago)
    Invitation.objects.filter(pk=recent.pk).update(invited_at=timezone.now())
    Response.objects.create(invitation=started, campaign=campaign)
    submit(done)
    client.force_login(owner)
    page = client.post(reverse("console:reminders_send", args=[campaign.pk]), follow=True).content.decode()
    assert "2 reminders sent." in page and "1 people were e-mailed less than an hour ago" in page
    assert sorted(m.to[0] for m in mailoutbox) == ["started@example.com", "waiting@example.com"]
    assert "【リマインド】" in mailoutbox[0].subject and "Reminder" in mailoutbox[0].subject
    counts = dict(Invitation.objects.values_list("email", "reminder_count"))
    assert counts == {
        "waiting@example.com": 1,
        "started@example.com": 1,
        "done@example.com": 0,
        "not-invited@example.com": 0,
        "recent@example.com": 0,
    }
    assert Invitation.objects.get(pk=waiting.pk).reminded_at is not None
    mailoutbox.clear()
    client.post(reverse("console:reminders_send", args=[campaign.pk]))  # a second click
    assert mailoutbox == []


def test_closed_campaigns_send_nothing(client, campaign, owner, mailoutbox):
    invitation, _t = invitation_create(campaign=campaign, email="a@example.com")
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    Invitation.objects.filter(pk=invitation.pk).update(invited_at=timezone.now() - timedelta(days=2))
    invitation_create(campaign=campaign, email="b@example.com")
    client.force_login(owner)
    page = client.post(reverse("console:reminders_send", args=[campaign.pk]), follow=True).content.decode()
    assert "Reminders can only be sent while the campaign is open." in page
    page = client.post(reverse("console:invitations_send", args=[campaign.pk]), follow=True).content.decode()
    assert "This campaign is closed" in page
    assert mailoutbox == [] and Invitation.objects.get(pk=invitation.pk).reminder_count == 0


# --- response rates --------------------------------------------------------------------------


def test_response_rates_by_department(client, campaign, owner, django_assert_max_num_queries):
    rd, sales = (Department.objects.get(organisation=campaign.organisation, key=k) for k in ("rd", "sales"))
    people = [
        invitation_create(campaign=campaign, email=f"p{i}@example.com", name=f"Person {i}", department=rd)[0]
        for i in range(4)
    ]
    submit(people[0]), submit(people[1])
    Response.objects.create(invitation=people[2], campaign=campaign)
    chooser, _t = invitation_create(campaign=campaign)  # chose Sales when starting
    Response.objects.create(invitation=chooser, campaign=campaign, department=sales, submitted_at=timezone.now())
    invitation_create(campaign=campaign)  # no department known yet
    rates = lifecycle.campaign_response_rates(campaign=campaign)
    table = {
        (row["department"].key if row["department"] else None): (
            row["invited"],
            row["started"],
            row["submitted"],
            row["rate"],
        )
        for row in rates["rows"]
    }
    # below the threshold (5) started and submitted read "fewer than 5", and no rate is given
    assert table == {"rd": (4, 3, 2, None), "sales": (1, 1, 1, None), None: (1, 0, 0, 0)}
    assert all(row.get("submitted_hidden") for row in rates["rows"] if row["department"])
    assert (rates["total"]["invited"], rates["total"]["submitted"], rates["total"]["rate"]) == (6, 3, 50)
    client.force_login(owner)
    url = reverse("console:campaign_response_rates", args=[campaign.pk])
    with django_assert_max_num_queries(8) as few:
        html = client.get(url).content.decode()
    for _n in range(10):  # more departments, the same number of queries
        DepartmentFactory(organisation=campaign.organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    assert html.count('class="progress-stacked"') == 4 and "width: 50.0%" in html and "fewer than 5" in html
    assert "Person 0" not in html and "p0@example.com" not in html  # counts only, never people


def test_a_new_framework_version_can_be_chosen_for_a_re_assessment(client, campaign, owner, tmp_path):
    newer = FRAMEWORK_FILE.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"', 1)
    (tmp_path / "fw.yaml").write_text(newer, encoding="utf-8")
    framework, _outcome = framework_load(path=tmp_path / "fw.yaml")
    client.force_login(owner)
    url = reverse("console:campaign_clone", args=[campaign.pk])
    client.post(url, campaign_data(campaign, name="With 1.1", framework=framework.pk))
    assert Campaign.objects.get(name="With 1.1").framework.version == "1.1"
    new_campaign = reverse("console:campaign_create", args=[campaign.organisation_id])
    assert client.get(new_campaign).context["form"]["framework"].value() == framework.pk  # the latest by default
