"""Report section: change since a previous campaign that used an earlier questionnaire version.

`assessment.comparison` computes it on the shared dimensions and statements; this puts it in one
language for `templates/reports/_version_comparison.html`.
"""


def version_comparison_section(*, campaign, result, lang, department=None):
    from assessment.comparison import version_comparison  # pandas only when a report is built

    comparison = version_comparison(campaign=campaign, result=result, department=department)
    if comparison is None:
        return None
    names = {d["key"]: d["name"][lang] for d in result["dimension_info"]}
    return {
        **comparison,
        "dimensions": [{**row, "name": names.get(row["key"], row["key"])} for row in comparison["dimensions"]],
        "statements": [{**row, "text": row["text"].get(lang, "")} for row in comparison["statements"]],
        "new_statements": [
            {"dimension": names.get(row["dimension"], row["dimension"]), "text": row["text"][lang]}
            for row in comparison["new_statements"]
        ],
    }
