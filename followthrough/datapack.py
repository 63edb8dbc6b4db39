"""The Excel data pack: what the report releases, as tables (pandas + openpyxl).

Every number comes from `campaign_results`, the same released result the report shows; a value it
withholds (None) is written as a dash, never worked out from answers here.
"""

import io

import pandas as pd
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from assessment.analysis import campaign_results
from assessment.models import RoleGroup
from reports.comments import comments_section

from . import adapter, selectors
from .labels import band_label, role_label
from .models import ActionStatus, OwnerRole

DASH = "–"


def _v(value, digits=1):
    return DASH if value is None else round(float(value), digits)


def _group_label(row, names):
    if row["key"] is not None:
        return names(row["key"])
    return pgettext("group", "Other (merged: %(names)s)") % {"names": ", ".join(names(m) for m in row["members"])}


def data_pack_frames(*, campaign, lang, result=None):
    """{sheet name: DataFrame}, in `lang`. Pure reading of released results and follow-through rows."""
    with translation.override(lang):
        result = result if result is not None else campaign_results(campaign=campaign)
        return _frames(campaign, lang, result)


def _frames(campaign, lang, result):
    info = selectors.framework_dimensions_info(campaign=campaign)
    dim_name = {d["key"]: d["name"][lang] for d in info}
    level_name = {level["level"]: level["name"][lang] for level in campaign.framework.levels}
    summary = [
        (_("Organisation"), result["campaign"]["organisation_name"][lang]),
        (_("Campaign"), campaign.name),
        (_("Submitted responses"), result["respondents"]),
        (_("Anonymity threshold"), result["anonymity_threshold"]),
    ]
    sheets = {}
    if not result["shown"]:
        summary.append((_("Results"), _("Not shown: fewer responses than the anonymity threshold.")))
    else:
        overall = result["overall"]
        summary += [(_("Readiness index"), _v(overall["score"])), (_("Level"), overall["level"] or DASH)]
        gaps = {g["dimension"]: g for g in result["gaps"]}
        rows = []
        for d in info:
            cell, gap = result["dimensions"][d["key"]], gaps.get(d["key"], {})
            levels = adapter.dimension_levels(result, d["key"])
            rows.append(
                {
                    _("Dimension"): dim_name[d["key"]],
                    _("Score"): _v(cell["score"]),
                    _("Level"): cell["level"] or DASH,
                    _("Level name"): level_name.get(cell["level"], DASH),
                    _("Executives' level"): levels["executives"] or DASH,
                    _("Respondents"): cell["n"],
                    _("Spread"): _v(cell["spread"]),
                    _("Favourable %"): _v(cell["favourable"]),
                    _("Executives"): _v(gap.get("executives")),
                    _("Everyone else"): _v(gap.get("others")),
                    _("Perception gap"): _v(gap.get("gap")),
                    _("Gap band"): band_label(gap.get("band")) or DASH,
                }
            )
        sheets[_("Dimensions")] = pd.DataFrame(rows)
        role_names = {key: role_label(key, result.get("role_names"), lang) for key in [*RoleGroup.values, ""]}
        dept_label = {k: v[lang] for k, v in result["department_names"].items()} | {"": _("Not given")}
        groups = []
        for by, labels, title in (
            ("role_group", role_names, _("Role group")),
            ("department", dept_label, _("Department")),
        ):
            for row in result["groups"][by]:
                groups.append(
                    {
                        _("Breakdown"): title,
                        _("Group"): _group_label(row, lambda k, labels=labels: labels.get(k, k)),
                        _("Respondents"): row["n"],
                        _("Readiness index"): _v(row["overall"]["score"]),
                        **{dim_name[k]: _v(row["dimensions"][k]["score"]) for k in dim_name},
                    }
                )
        sheets[_("Groups")] = pd.DataFrame(groups)
        text = {i["key"]: i["text"][lang] for i in result["item_info"]}
        sheets[_("Statements")] = pd.DataFrame(
            [
                {
                    _("Statement"): item["item"],
                    _("Dimension"): dim_name.get(item["dimension"], item["dimension"]),
                    _("Text"): text.get(item["item"], ""),
                    _("Score"): _v(item.get("score")),
                    _("Favourable %"): _v(item.get("favourable")),
                    _("Answered"): item.get("answered", DASH),
                    _("Don't know"): item.get("dont_know", DASH),
                }
                for item in result.get("items", [])
            ]
        )
        sheets[_("Recommendations")] = pd.DataFrame(
            [
                {
                    _("Priority"): rec["priority"],
                    _("Dimension"): dim_name.get(rec["dimension"], rec["dimension"]),
                    _("Recommendation"): rec["title"][lang],
                    _("Owner"): str(OwnerRole(rec["owner"]).label)
                    if rec["owner"] in OwnerRole.values
                    else rec["owner"],
                    _("Why"): rec["reason"]["text"][lang],
                }
                for rec in adapter.recommendations(result)
            ]
        )
        comments = comments_section(campaign=campaign, lang=lang)
        if comments is not None:  # questionnaires without comments (1.0) get no sheet
            sheets[_("Comments")] = _comments_frame(comments)
    sheets = {_("Summary"): pd.DataFrame(summary, columns=[_("Item"), _("Value")]), **sheets}
    current = selectors.commitments_current(campaign=campaign)
    sheets[_("Targets")] = pd.DataFrame(
        [
            {
                _("Dimension"): dim_name[d["key"]],
                _("Target level"): current[d["key"]].target_level,
                _("By"): current[d["key"]].target_date.isoformat(),
                _("Why"): current[d["key"]].rationale,
                _("Version"): current[d["key"]].version,
            }
            for d in info
            if d["key"] in current
        ],
        columns=[_("Dimension"), _("Target level"), _("By"), _("Why"), _("Version")],
    )
    sheets[_("Actions")] = pd.DataFrame(
        [
            {
                _("Dimension"): dim_name.get(a.dimension, a.dimension),
                _("Action"): getattr(a, f"title_{lang}"),
                _("Owner (role)"): str(OwnerRole(a.owner_role).label) if a.owner_role else "",
                _("Owner (name)"): a.owner_name,
                _("Due date"): a.due_date.isoformat() if a.due_date else DASH,
                _("Status"): str(ActionStatus(a.status).label),
                _("Notes"): a.notes,
            }
            for a in selectors.actions_for_campaign(campaign=campaign)
        ],
        columns=[
            _("Dimension"),
            _("Action"),
            _("Owner (role)"),
            _("Owner (name)"),
            _("Due date"),
            _("Status"),
            _("Notes"),
        ],
    )
    sheets[_("Notes")] = pd.DataFrame(
        {
            _("Notes"): [
                _(
                    "Every figure is what the report releases. A dash (–) marks a value that is not shown: the group or statement has fewer respondents than the anonymity threshold, or the value could identify someone."
                ),
                _("Scores run from 0 to 100; levels from 1 (Ad hoc) to 5 (Embedded)."),
            ]
        }
    )
    return sheets


def _comments_frame(comments):
    """The report's comments: same rule (groups of at least the comment threshold, released responses
    only), never with the writer's role or department, ordered by topic and text."""
    columns = [_("Topic"), _("Comment")]
    if not comments["shown"]:
        note = _("Comments are shown only for groups of at least %(n)s respondents; this group is smaller.")
        return pd.DataFrame([(DASH, note % {"n": comments["threshold"]})], columns=columns)
    rows = [(comments["obstacle"]["prompt"], text) for text in comments["obstacle"]["comments"]]
    rows += [(group["name"], text) for group in comments["dimensions"] for text in group["comments"]]
    return pd.DataFrame(rows, columns=columns)


def data_pack_xlsx(*, campaign, lang, result=None):
    frames = data_pack_frames(campaign=campaign, lang=lang, result=result)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # text such as "=HYPERLINK(...)" in a comment or note: never a formula
                        cell.data_type = "s"
            for column in sheet.columns:  # readable widths; Japanese characters count double
                width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(cell.value or "")) for cell in column)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 80)
    return buffer.getvalue()
