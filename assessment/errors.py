"""The one base class of the errors the application reports to a person.

Every refusal a person can act on (a bad file, an action the campaign's state does not allow, a
queue that is down) is an ApplicationError carrying `problems`: every reason, one line each, in
the order found. A single message is a list of one. Views, forms and commands show
`error.problems` (or `str(error)`, the lines joined); they never need to know which kind it was.
"""

from collections.abc import Iterable

MAX_PROBLEMS = 50  # listed at most; then one line says how many more there are


class ApplicationError(Exception):
    """`ApplicationError("message")` or `ApplicationError(problems=[...], capped=True)`.

    Messages may be lazy translations: they are turned into text only when shown, in the
    language active then. `total` counts every problem, also those a capped list leaves out.
    """

    def __init__(self, *messages: object, problems: Iterable[object] | None = None, capped: bool = False) -> None:
        problems = list(problems) if problems is not None else list(messages)
        self.total = len(problems)
        self.problems = problems_capped(problems) if capped else problems
        super().__init__(*self.problems)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def problems_capped(problems: Iterable[object]) -> list[object]:
    """At most MAX_PROBLEMS lines, then one saying how many more there are."""
    from django.utils.translation import gettext

    problems = list(problems)
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    more_line = gettext("… and %(count)d more problems not listed: fix these first, then check the file again.")
    return [*problems[:MAX_PROBLEMS], more_line % {"count": more}]
