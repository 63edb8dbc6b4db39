"""Consultant set-up (issue 16): unknown departments in an uploaded list can be created after a confirmation."""

import re
from html import unescape

from django.urls import reverse

from assessment.models import Department
from assessment.respondent_list import new_department_keys

from .test_console_campaigns import invitations_of, upload


def test_keys_for_new_departments_come_from_the_name_or_a_number():
    assert new_department_keys(["研究所", "Quality Assurance", "品質保証部", "R&D"], {"rd", "dept-1"}) == [
        "dept-2",
        "quality-assurance",
        "dept-3",
        "rd-2",
    ]


def test_an_upload_naming_unknown_departments_offers_to_create_them(client, campaign, consultant):
    client.force_login(consultant)
    content = (
        "email,name,department\na@example.com,佐藤,研究所\nb@example.com,田中,品質保証部\n"
        "c@example.com,鈴木,研究所\nd@example.com,高橋,営業\n"
    ).encode()
    page = upload(client, campaign, "list.csv", content).content.decode()
    assert 'id="create-departments"' in page
    listed = re.findall(r'name="create_department" value="([^"]+)"', page)
    assert listed == ["研究所", "品質保証部"]  # each once, in file order
    assert invitations_of(campaign) == {} and not Department.objects.filter(name_ja="研究所").exists()

    # the confirmation sends the same file back and creates exactly the listed departments
    data = {name: unescape(value) for name, value in re.findall(r'name="(file_name|file_data)" value="([^"]*)"', page)}
    url = reverse("console:campaign_respondents", args=[campaign.pk])
    done = client.post(url, {**data, "create_department": listed}, follow=True)
    assert "4 people were added" in done.content.decode()
    created = {d.name_ja: d.key for d in Department.objects.filter(organisation=campaign.organisation)}
    assert created["研究所"].startswith("dept-") and created["品質保証部"].startswith("dept-")
    assert invitations_of(campaign)["a@example.com"][2] == created["研究所"]
    assert invitations_of(campaign)["d@example.com"][2] == "sales"


def test_no_offer_when_other_lines_are_wrong_too(client, campaign, consultant):
    client.force_login(consultant)
    content = "email,department\nnot-an-email,研究所\n".encode()
    page = upload(client, campaign, "list.csv", content).content.decode()
    assert 'id="create-departments"' not in page and "研究所" in page


def test_a_tampered_confirmation_imports_nothing(client, campaign, consultant):
    client.force_login(consultant)
    url = reverse("console:campaign_respondents", args=[campaign.pk])
    page = client.post(url, {"file_name": "list.csv", "file_data": "%%%not base64", "create_department": ["x"]})
    assert page.status_code == 200 and "Upload it again" in page.content.decode()
    assert invitations_of(campaign) == {}


def test_new_campaign_dates_are_prefilled(client, campaign, consultant):
    client.force_login(consultant)
    page = client.get(reverse("console:campaign_create", args=[campaign.organisation.pk])).content.decode()
    opens = re.search(r'name="opens_at" value="([^"]+)"', page).group(1)
    closes = re.search(r'name="closes_at" value="([^"]+)"', page).group(1)
    assert opens.endswith("T09:00") and closes.endswith("T18:00") and closes > opens


def test_japanese_interface_puts_the_japanese_name_first_and_translates_placeholders(client, campaign, consultant):
    client.force_login(consultant)
    client.cookies["django_language"] = "ja"
    page = client.get(reverse("console:organisation_detail", args=[campaign.organisation.pk])).content.decode()
    h1 = re.search(r"<h1.*?</h1>", page, flags=re.S).group(0)
    assert h1.index(campaign.organisation.name_ja) < h1.index(campaign.organisation.name_en)
    assert page.index('name="name_ja"') < page.index('name="name_en"')
    form = client.get(reverse("console:campaign_create", args=[campaign.organisation.pk])).content.decode()
    assert "---------" not in form


def test_merged_group_names_are_joined_with_the_japanese_comma(campaign):
    from reports.services import report_context_for

    from .test_analysis import add_responses

    threshold = campaign.anonymity_threshold
    add_responses(campaign, threshold, agreement=4, department_key="rd")
    add_responses(campaign, threshold - 1, agreement=3, department_key="sales")
    labels = [g["label"] for g in report_context_for(campaign=campaign, lang="ja")["department_groups"]]
    assert any("研究開発、営業" in label or "営業、研究開発" in label for label in labels), labels
    labels = [g["label"] for g in report_context_for(campaign=campaign, lang="en")["department_groups"]]
    assert any("R&D, Sales" in label or "Sales, R&D" in label for label in labels), labels
