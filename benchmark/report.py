"""The benchmark as the report templates show it (benchmark/report_section.html)."""

from django.utils.translation import gettext as _
from django.utils.translation import override

from .permissions import benchmark_visible
from .selectors import benchmark_for_campaign


def benchmark_report_context(*, user, campaign, lang, result=None):
    """{"benchmark", "benchmark_rows"} for a consultant of the campaign's organisation, else {}.

    `result`: the campaign's own `campaign_results`, when the page has it already."""
    if not benchmark_visible(user=user, campaign=campaign):
        return {}
    benchmark = benchmark_for_campaign(campaign=campaign, result=result)
    with override(lang):
        rows = [{"name": d["name"].get(lang) or d["name"]["en"], "key": d["key"]} for d in benchmark["dimensions"]] + [
            {"name": _("Overall index"), "key": "overall"}
        ]
    for row in rows:
        row["values"] = [group["percentiles"].get(row["key"]) for group in benchmark["groups"]]
    return {"benchmark": benchmark, "benchmark_rows": rows}
