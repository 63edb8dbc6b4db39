"""Routed statements (questionnaire 1.1): who is shown what, and what that means for scoring.

Each statement has an audience (`everyone` or role groups, framework file); a respondent is
shown only the statements for their role group. Two scoring rules follow (documented in
README and the 1.1 file):

- Minimum answered: a person's dimension score needs min(min_answered_per_dimension, number of
  that dimension's statements shown to their role group) answers. Nobody is penalised for
  statements they were never asked; a dimension with no statements for a role has no score.
- Perception gap: executives and everyone else are compared only on the statements both sides
  answered (at least one scored answer on each side), so executive-only statements (their own
  visits abroad, budget decisions) do not turn the gap into a measure of who has the information.

Pure functions over pandas frames, like `scoring`; no database access except `survey_minutes`'
callers passing in counts.
"""

import math

# pandas and scoring are imported inside the functions that use them: the respondent pages import
# this module on every worker, and must not pay about a second for pandas on their first request.
from .framework_file import EVERYONE, audience_includes, items_shown

__all__ = [
    "EVERYONE",
    "audience_includes",
    "items_shown",
    "routed_minimum",
    "shared_scores",
    "survey_minutes",
]

SECONDS_PER_STATEMENT = 15  # measured on the 1.0 flow: reading, choosing, the autosave
SECONDS_PER_PAGE = 20  # page change, dimension introduction, an optional comment glanced at


def _shown_counts(items, role_group):
    """{dimension: number of statements shown to role_group} from an items frame with `audience`."""
    import pandas as pd

    audiences = items["audience"] if "audience" in items else pd.Series([[EVERYONE]] * len(items), index=items.index)
    mask = audiences.map(lambda audience: audience_includes(audience, role_group))
    return items[mask.astype(bool)].groupby("dimension").size().to_dict()


def routed_minimum(items, respondents, min_answered):
    """Answers needed per (respondent, dimension): min(min_answered, statements shown to them).

    Dimensions where nothing was shown to a respondent need infinitely many (no score).
    """
    import numpy as np
    import pandas as pd

    dimensions = list(dict.fromkeys(items["dimension"]))
    roles, role_keys = pd.factorize(respondents["role_group"].fillna(""))
    needs = np.array(  # role group × dimension, computed once per role group, not per respondent
        [
            [min(min_answered, counts[d]) if counts.get(d) else math.inf for d in dimensions]
            for counts in (_shown_counts(items, role) for role in role_keys)
        ],
        dtype=float,
    ).reshape(len(role_keys), len(dimensions))
    index = pd.MultiIndex.from_arrays(
        [
            np.repeat(respondents["respondent"].to_numpy(), len(dimensions)),
            np.tile(np.array(dimensions, dtype=object), len(respondents)),
        ],
        names=["respondent", "dimension"],
    )
    return pd.Series(needs[roles].ravel(), index=index, name="need")


def shared_items(scored, respondents):
    """Item keys with at least one scored answer from an executive and one from anyone else."""
    import pandas as pd

    executives = respondents.loc[respondents["role_group"].eq("executive"), "respondent"]
    answered = scored.dropna(subset=["score"])
    is_executive = answered["respondent"].isin(executives).to_numpy()
    items = answered["item"].to_numpy()
    return set(pd.unique(items[is_executive])) & set(pd.unique(items[~is_executive]))


def shared_scores(scored, items, respondents, spec, shared=None, all_scores=None):
    """Respondent × dimension scores on the statements both sides answered (the gap's basis).

    The routed minimum is counted over the shared statements shown to each respondent. The
    frame's `attrs["items_compared"]` says how many statements each dimension compared.
    `all_scores`: the scores on every statement; when every statement is shared (1.0, where
    everyone is asked everything), they are the gap's basis as they are.
    """
    from . import scoring

    if shared is None:  # given when `respondents` are part of a release (its stored gap statements)
        shared = shared_items(scored, respondents)
    shared_frame = items[items["item"].isin(shared)]
    if all_scores is not None and len(shared_frame) == len(items):
        scores = all_scores.copy()
    else:
        on_shared = scored[scored["item"].isin(shared)]
        required = routed_minimum(shared_frame, respondents, spec.min_answered) if len(shared_frame) else None
        scores = scoring.respondent_scores(on_shared, spec, respondents, required=required)
    scores.attrs["items_compared"] = {k: int(v) for k, v in shared_frame.groupby("dimension").size().items()}
    return scores


def survey_minutes(statement_counts, pages, seconds_per_statement=None):
    """(low, high) minutes to answer, from the statement counts of the role groups, rounded up to 5.

    `seconds_per_statement`: measured on earlier respondents (page changes included); without it,
    the estimate from the constants above.
    """

    def minutes(count):
        if seconds_per_statement is not None:
            return max(5, 5 * math.ceil(count * seconds_per_statement / 300))
        return max(5, 5 * math.ceil((count * SECONDS_PER_STATEMENT + pages * SECONDS_PER_PAGE) / 300))

    counts = [c for c in statement_counts if c]
    if not counts:
        return (5, 5)
    return (minutes(min(counts)), minutes(max(counts)))
