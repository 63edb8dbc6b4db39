"""The framework file, its loader and the rule that an answered version never changes."""

import copy

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError

from assessment.framework_file import framework_file_read, framework_problems
from assessment.models import Answer, Dimension, Framework, FrameworkLocked, Item, Response
from assessment.services import framework_load, invitation_create

from .conftest import FRAMEWORK_FILE

CORE = ["vision", "budget", "buy_in", "exposure", "team", "system"]


@pytest.fixture
def framework_data():
    return yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8"))


def write(tmp_path, data, name="fw.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_framework_has_six_dimensions_bilingual_and_reverse_items(framework):
    assert [d.key for d in framework.dimensions.order_by("order")] == CORE
    assert framework.items.count() >= 36
    for dimension in framework.dimensions.all():
        items = dimension.items.all()
        assert items.count() >= 6
        assert any(i.reverse for i in items), dimension.key
        assert all(i.text_en.strip() and i.text_ja.strip() for i in items)
        assert sorted(dimension.level_descriptions) == ["1", "2", "3", "4", "5"]
    # Japanese texts are really Japanese, not copies of the English
    assert all(
        any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in i.text_ja) for i in framework.items.all()
    )
    assert [level["key"] for level in framework.levels] == ["ad_hoc", "emerging", "defined", "managed", "embedded"]


def test_load_framework_command_is_idempotent(db, capsys):
    call_command("load_framework", str(FRAMEWORK_FILE))
    call_command("load_framework", str(FRAMEWORK_FILE))
    out = capsys.readouterr().out
    assert "created" in out and "unchanged" in out
    assert Framework.objects.count() == 1


def test_changed_file_updates_an_unanswered_version(framework, framework_data, tmp_path):
    framework_data["dimensions"][0]["items"][0]["text"]["en"] = "A reworded statement"
    updated, outcome = framework_load(path=write(tmp_path, framework_data))
    assert outcome == "updated" and updated.pk == framework.pk
    assert Item.objects.get(framework=framework, key=framework_data["dimensions"][0]["items"][0]["key"]).text_en == (
        "A reworded statement"
    )


def test_answered_version_refuses_changes_with_a_clear_error(campaign, framework_data, tmp_path):
    invitation, _ = invitation_create(campaign=campaign)
    response = Response.objects.create(invitation=invitation, campaign=campaign)
    Answer.objects.create(response=response, item=campaign.framework.items.first(), value=4)

    framework_data["dimensions"][0]["items"][0]["text"]["en"] = "A reworded statement"
    with pytest.raises(CommandError, match=r"already has answers.*new version"):
        call_command("load_framework", str(write(tmp_path, framework_data)))
    # the same file again is fine: nothing changes
    call_command("load_framework", str(FRAMEWORK_FILE))
    # superseding: the changed text under a new version number loads beside it
    framework_data["version"] = "1.1"
    new, outcome = framework_load(path=write(tmp_path, framework_data))
    assert outcome == "created" and new.pk != campaign.framework.pk
    assert Framework.objects.filter(key=new.key).count() == 2


def test_models_of_an_answered_version_refuse_save_and_delete(campaign):
    invitation, _ = invitation_create(campaign=campaign)
    response = Response.objects.create(invitation=invitation, campaign=campaign)
    item = campaign.framework.items.first()
    Answer.objects.create(response=response, item=item, value=2)
    item.text_en = "changed"
    with pytest.raises(FrameworkLocked):
        item.save()
    with pytest.raises(FrameworkLocked):
        Dimension.objects.first().delete()
    with pytest.raises(FrameworkLocked):
        campaign.framework.save()


def test_framework_in_use_cannot_be_deleted(campaign):
    with pytest.raises(ProtectedError):
        Framework.objects.filter(pk=campaign.framework.pk).delete()


@pytest.mark.parametrize(
    "break_it, expected",
    [
        (lambda d: d["dimensions"][0]["items"][2]["text"].pop("ja"), "dimensions[0].items[2].text.ja: missing"),
        (lambda d: d["dimensions"].pop(1), "core dimension 'budget' is missing"),
        (lambda d: d["dimensions"][2].update(items=d["dimensions"][2]["items"][:3]), "dimensions[2].items: at least 6"),
        (lambda d: d["dimensions"][3]["items"][1].update(key=d["dimensions"][3]["items"][0]["key"]), "duplicate key"),
        (lambda d: d["levels"][2].update(min=10), "levels[2].min: bands must rise"),
        (lambda d: d["scale"]["anchors"].pop(3), "scale.anchors"),
        (lambda d: d["dimensions"][0].update(weight=0), "dimensions[0].weight: 0 is out of range"),
        (lambda d: d.update(version=1.0), "version: must be a non-empty string"),
        (lambda d: d["profile"]["role_group"]["options"].pop(), "profile.role_group.options"),
    ],
)
def test_invalid_framework_files_are_reported_with_their_place(framework_data, break_it, expected):
    broken = copy.deepcopy(framework_data)
    break_it(broken)
    problems = framework_problems(broken)
    assert any(expected in p for p in problems), problems


def test_shipped_file_has_no_problems(framework_data):
    assert framework_problems(framework_data) == []


def test_unreadable_and_malformed_files_fail_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_framework", str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML"):
        call_command("load_framework", str(bad))
    assert not Framework.objects.exists()


def test_json_framework_files_load_too(db, framework_data, tmp_path):
    import json

    path = tmp_path / "fw.json"
    path.write_text(json.dumps(framework_data, ensure_ascii=False), encoding="utf-8")
    data, sha = framework_file_read(path)
    assert data["key"] == framework_data["key"] and len(sha) == 64


@pytest.mark.parametrize(
    "break_it, expected",
    [
        (lambda d: d["levels"].__setitem__(1, "emerging"), "levels[1]: must be a mapping"),
        (
            lambda d: d["dimensions"][0]["items"].__setitem__(3, ["a", "list"]),
            "dimensions[0].items[3]: must be a mapping",
        ),
        (lambda d: d["dimensions"].append(7), "dimensions[6]: must be a mapping"),
        (
            lambda d: d["profile"]["role_group"]["options"].__setitem__(0, "executive"),
            "profile.role_group.options[0]: must be a mapping",
        ),
        (lambda d: d["levels"][2].update(min="40"), "levels[2].min: must be a number"),
        (lambda d: d.update(min_answered_per_dimension=2.5), "min_answered_per_dimension: must be a whole number"),
        (
            lambda d: d["dimensions"][1]["items"][0].update(reverse="yes"),
            "dimensions[1].items[0].reverse: must be true or false",
        ),
        (
            lambda d: d["dimensions"][1].update(name="Budget"),
            "dimensions[1].name: needs English and Japanese text ({en: ..., ja: ...})",
        ),
        (
            lambda d: d["dimensions"][2]["items"][1]["text"].update(en="   "),
            "dimensions[2].items[1].text.en: missing or empty",
        ),
        (lambda d: d["scale"]["anchors"].__setitem__(2, None), "scale.anchors.2: needs English and Japanese text"),
        (lambda d: d.update(dimensions={"vision": {}}), "dimensions: must be a list"),
        (lambda d: d.update(profile=None), "profile: must be a mapping"),
        (lambda d: d.update(format="2"), "format: must be 1"),
    ],
)
def test_malformed_entries_are_problems_with_their_place_never_a_traceback(framework_data, break_it, expected):
    broken = copy.deepcopy(framework_data)
    break_it(broken)
    problems = framework_problems(broken)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_of_a_file_is_reported_at_once(framework_data):
    broken = copy.deepcopy(framework_data)
    broken["levels"][0] = 1
    broken["dimensions"][0]["items"][0] = "a statement"
    broken["dimensions"][1]["weight"] = 0
    broken["dimensions"].pop(2)  # buy_in, a core dimension
    problems = framework_problems(broken)
    assert "levels[0]: must be a mapping" in problems
    assert "dimensions[0].items[0]: must be a mapping" in problems
    assert "dimensions[1].weight: 0 is out of range" in problems
    assert "dimensions: the core dimension 'buy_in' is missing" in problems


def test_load_framework_reports_a_malformed_entry_as_an_error_not_a_crash(db, framework_data, tmp_path):
    broken = copy.deepcopy(framework_data)
    broken["levels"][4] = ["embedded"]
    with pytest.raises(CommandError, match=r"levels\[4\]: must be a mapping"):
        call_command("load_framework", str(write(tmp_path, broken)))
    assert not Framework.objects.exists()
