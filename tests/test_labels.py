"""Role group labels, gap bands and the radar's series are defined once (reports/labels.py)."""

from django.utils import translation

from followthrough import labels as followthrough_labels
from reports import labels
from workshop import live


def result_with(executives_shown):
    dims = ["vision", "budget"]
    executives = {"score": 70.0, "level": 4} if executives_shown else None
    return {
        "dimensions": {
            k: {"score": 50.0 + i, "basis": "staff" if executives_shown else "everyone", "executives": executives}
            for i, k in enumerate(dims)
        },
        "gaps": [],
    }, dims


def test_the_framework_versions_own_role_label_comes_first_then_the_built_in_one():
    names = {"bu_head": {"en": "BU heads", "ja": "事業部長"}}
    assert labels.role_label("bu_head", names, "ja") == "事業部長"
    assert labels.role_label("bu_head", names, "en") == "BU heads"
    with translation.override("en"):
        assert labels.role_label("manager", names) == "Middle manager"  # not in the file: RoleGroup's label
        assert labels.role_label("", names) == "Role not given"
        assert labels.role_label("no_such_role") == "no_such_role"


def test_the_headline_is_staff_experience_with_executives_beside_it_where_the_release_shows_them():
    published, order = result_with(executives_shown=True)
    withheld, _ = result_with(executives_shown=False)
    with translation.override("en"):
        series = labels.radar_series(published, order)
        assert [(s["style"], s["name"]) for s in series] == [
            ("others", "People other than executives"),
            ("executives", "Executives"),
        ]
        assert [s["style"] for s in labels.radar_series(withheld, order)] == ["all"]
        mine = labels.radar_series(withheld, order, personal={"scores": {"vision": 25.0}})
    assert mine[-1] == {"name": "Your answers", "values": [25.0, None], "style": "personal"}
    assert series[0]["values"] == [50.0, 51.0] and series[1]["values"] == [70.0, 70.0]
    assert labels.chart_rings({"level_bands": [{"min": 0}, {"min": 30}, {"min": 50}]}) == (30, 50)


def test_the_workshop_screen_and_the_deck_use_the_one_definition():
    assert live.radar_series is labels.radar_series
    assert followthrough_labels.radar_series is labels.radar_series
    assert followthrough_labels.BAND_LABELS is labels.BAND_LABELS
    with translation.override("ja"):
        assert labels.band_label("similar") == followthrough_labels.band_label("similar") != "about the same"
    assert labels.band_label(None) is None
