"""The comments section of a report: free text, shown only for large enough groups.

Rules (DOMAIN.md, issue #12):
- A report shows comments only when its group (the organisation, or the department of a
  department report) has at least `campaign.comment_threshold` submitted respondents; that
  threshold is never below the anonymity threshold (a database constraint).
- A comment is never shown with its writer's role or department, whatever the group sizes, and
  comments are ordered by dimension and then by text, not by time, so their order gives nobody away.
- Texts are shown as written and HTML-escaped by the templates' autoescape, on the page and in
  the PDF alike (the same template renders both).
- Recurring words (`themes.recurring_terms`) need at least two comments each.
"""

from assessment.models import Comment, Response

from .themes import recurring_terms


def comments_section(*, campaign, lang, department=None):
    """{"shown", "threshold", "dimensions": [{"name", "comments", "themes"}], "obstacle": {...}} or None.

    None when the campaign's questionnaire asks for no comments (1.0).
    """
    framework = campaign.framework
    if not framework.comments:
        return None
    # Comments follow the results: only those of responses in a release, so a comment never
    # appears the moment its writer submits (assessment.releases).
    submitted = Response.objects.filter(campaign=campaign, release_number__isnull=False)
    if department is not None:
        submitted = submitted.filter(department__key=department)
    section = {"shown": False, "threshold": campaign.comment_threshold}
    if submitted.count() < campaign.comment_threshold:
        return section
    rows = list(
        Comment.objects.filter(response__in=submitted).order_by("text").values_list("kind", "dimension__key", "text")
    )
    names = {d.key: getattr(d, f"name_{lang}") for d in framework.dimensions.order_by("order")}
    by_dimension = {key: [] for key in names}
    obstacles = []
    for kind, dimension, text in rows:
        (obstacles if kind == Comment.Kind.OBSTACLE else by_dimension[dimension]).append(text)
    section.update(
        shown=True,
        count=len(rows),
        obstacle={
            "prompt": framework.comments["obstacle"][lang],
            "comments": obstacles,
            "themes": recurring_terms(obstacles),
        },
        dimensions=[
            {"key": key, "name": names[key], "comments": texts, "themes": recurring_terms(texts)}
            for key, texts in by_dimension.items()
            if texts
        ],
    )
    return section
