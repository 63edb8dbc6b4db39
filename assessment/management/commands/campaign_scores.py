import json

from django.core.management.base import BaseCommand, CommandError

from assessment.analysis import campaign_results
from assessment.comparison import version_comparison
from assessment.models import Campaign


class Command(BaseCommand):
    help = "Print a campaign's scores, levels, groups, perception gaps and recommendations (with reasons)."

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="campaign id")
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--lang", choices=["en", "ja"], default="en", help="language of the text output")
        parser.add_argument("--limit", type=int, default=10, help="how many recommendations")

    def handle(self, *args, campaign, lang, limit, **options):
        found = Campaign.objects.select_related("framework", "organisation").filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"No campaign with id {campaign}.")
        result = campaign_results(campaign=found, limit=limit)
        # Re-assessment on an earlier questionnaire version (1.0 -> 1.1): scored on the shared
        # dimensions and statements only, with the new statements listed (None when it does not apply).
        result["version_comparison"] = version_comparison(campaign=found, result=result)
        if options["json"]:
            from followthrough.selectors import loop_data

            result["followthrough"] = loop_data(campaign=found, result=result) if result["shown"] else None
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
            return
        self._text(result, lang)

    def _text(self, result, lang):
        write = self.stdout.write
        write(
            f"{result['campaign']['organisation']} – {result['campaign']['name']} ({result['campaign']['framework']})"
        )
        write(f"Submitted responses: {result['respondents']} (anonymity threshold {result['anonymity_threshold']})")
        if not result["shown"]:
            write("Too few responses to show any result.")
            return
        names = {d["key"]: d["name"][lang] for d in result["dimension_info"]}
        level_names = result["level_names"]

        def fmt(score):
            return "  –  " if score is None else f"{score:5.1f}"

        overall = result["overall"]
        write(
            f"\nOverall readiness index: {fmt(overall['score'])}  level {overall['level']} "
            f"({level_names[overall['level']][lang] if overall['level'] else '–'})"
        )
        write("\nScores and levels: people other than executives (* everyone: executives cannot be shown apart)")
        write("Dimension                                     score  level  spread  favourable  executives")
        for key, cell in result["dimensions"].items():
            spread = "  –  " if cell["spread"] is None else f"{cell['spread']:5.1f}"
            theirs = cell.get("executives")
            executives = f"{fmt(theirs['score'])}  L{theirs['level']}" if theirs else "  –"
            mark = "*" if cell.get("basis") == "everyone" else " "
            write(
                f"{names[key][:45]:<45}{mark} {fmt(cell['score'])}  {cell['level'] or '–'}      {spread}  "
                f"{fmt(cell['favourable'])}%   {executives}"
            )
        write("\nPerception gap (executives minus others)")
        for gap in result["gaps"]:
            value = f"{gap['gap']:+.1f}" if gap["exact"] else (gap["band"] or "n/a")
            write(f"  {names[gap['dimension']][:46]:<46} {value}{'  LARGE' if gap['large'] else ''}")
        write("\nRecommendations")
        for number, rec in enumerate(result["recommendations"], start=1):
            write(f"{number:2}. [P{rec['priority']} {rec['horizon']} {rec['owner']}] {rec['title'][lang]}")
            write(f"    why: {rec['reason']['text'][lang]}")
        if result["previous"]:
            delta = result["previous"]["delta"]
            change = "n/a (different groups)" if delta["overall"] is None else f"{delta['overall']:+.1f}"
            write(f"\nSince {result['previous']['campaign']['name']}: overall {change}")
        self._version_comparison(result["version_comparison"], names, lang)

    def _version_comparison(self, comparison, names, lang):
        if comparison is None:
            return
        write = self.stdout.write
        write(
            f"\nSince {comparison['previous']['name']} (questionnaire {comparison['previous']['version']} -> "
            f"{comparison['version']}), on the {len(comparison['shared']['statements'])} shared statements:"
        )
        if not comparison["shown"]:
            write("  not shown: the earlier campaign's released results are below its threshold.")
        for row in comparison["dimensions"]:
            before, now = row["before"], row["now"]
            change = "  –" if row["delta"] is None else f"{row['delta']:+.1f}"
            write(
                f"  {names.get(row['key'], row['key'])[:46]:<46} {'–' if before is None else f'{before:.1f}'} -> "
                f"{'–' if now is None else f'{now:.1f}'} ({change}; {row['statements']} statements)"
            )
        write(
            f"New in {comparison['version']}: {len(comparison['new_statements'])} statements; "
            f"dropped: {len(comparison['dropped'])}"
        )
