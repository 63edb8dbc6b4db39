"""The demo organisation: plausible, reproducible, and showing the diagnosis's pattern."""

import re

import pandas as pd
import pytest
from django.core.management import call_command

from assessment.demo import demo_answers
from assessment.models import Answer, Campaign, Invitation, Organisation, Response
from assessment.tokens import token_hash


@pytest.fixture(autouse=True)
def development(settings):
    """seed_demo is for development databases, where DEBUG is on (pytest-django turns it off)."""
    settings.DEBUG = True


def answer_table():
    """All submitted answers as plain rows, free of database ids."""
    rows = Answer.objects.filter(response__submitted_at__isnull=False).values_list(
        "response__role_group",
        "response__department__key",
        "response__tenure",
        "item__key",
        "item__reverse",
        "item__dimension__key",
        "value",
    )
    columns = ["role", "department", "tenure", "item", "reverse", "dimension", "value"]
    return pd.DataFrame(list(rows), columns=columns)


def multiset(frame):
    return sorted(tuple(map(str, row)) for row in frame.drop(columns=["reverse", "dimension"]).itertuples(index=False))


def test_seed_demo_creates_a_plausible_organisation(framework, capsys):
    call_command("seed_demo", "--seed", "3")
    out = capsys.readouterr().out
    campaign = Campaign.objects.get(organisation__slug="demo-manufacturing")
    submitted = Response.objects.filter(campaign=campaign, submitted_at__isnull=False)
    assert submitted.count() >= 40
    assert set(submitted.values_list("role_group", flat=True)) == {
        "executive",
        "innovation_team",
        "business",
        "corporate",
    }
    assert campaign.organisation.departments.count() >= 5
    # every submitted response answered every statement (some with "don't know")
    assert Answer.objects.filter(response__in=submitted).count() == submitted.count() * framework.items.count()
    assert Answer.objects.filter(response__in=submitted, value__isnull=True).exists()
    # some people are mid-way, some have not started: response rates have something to show
    assert Response.objects.filter(campaign=campaign, submitted_at__isnull=True).exists()
    assert Invitation.objects.filter(campaign=campaign, response__isnull=True).count() >= 2
    # the printed link is a working, fresh respondent link
    link = re.search(r"/r/([\w-]+)/", out).group(1)
    invitation = Invitation.objects.get(token_hash=token_hash(link))
    assert not hasattr(invitation, "response") or invitation.response is None
    assert "Demo login" in out


def test_executives_are_more_optimistic_than_staff_about_vision(framework):
    call_command("seed_demo", "--seed", "5", "--no-link")
    table = answer_table().dropna(subset=["value"])
    # agreement with the positively worded sense of each statement
    table["agreement"] = table["value"].where(~table["reverse"], 6 - table["value"])
    vision = table[table["dimension"] == "vision"]
    executives = vision[vision["role"] == "executive"]["agreement"].mean()
    others = vision[vision["role"] != "executive"]["agreement"].mean()
    assert executives - others > 0.8


def test_same_seed_gives_the_same_answers_and_another_seed_does_not(framework):
    call_command("seed_demo", "--seed", "11", "--no-link")
    first = multiset(answer_table())
    call_command("seed_demo", "--seed", "11", "--reset", "--no-link")
    assert multiset(answer_table()) == first
    call_command("seed_demo", "--seed", "12", "--reset", "--no-link")
    assert multiset(answer_table()) != first
    assert Organisation.objects.filter(slug="demo-manufacturing").count() == 1


def test_rerunning_keeps_the_organisation_and_prints_a_new_link(framework, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    links = re.findall(r"/r/([\w-]+)/", capsys.readouterr().out)
    assert len(links) == 2 and links[0] != links[1]
    assert Organisation.objects.count() == 1


def test_seed_demo_without_a_framework_fails_clearly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="run load_framework first"):
        call_command("seed_demo")


def test_demo_answers_respect_reverse_wording_and_the_scale():
    items = [("a", "vision", False), ("b", "vision", True)]
    people = demo_answers(seed=1, items=items, role_group="executive", count=200)
    values = pd.DataFrame(people)
    assert values.stack().dropna().between(1, 5).all()
    # executives agree with the positive statement and disagree with its reversed twin
    assert values["a"].mean() > 3.3 and values["b"].mean() < 2.7
