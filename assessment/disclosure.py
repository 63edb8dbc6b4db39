"""Disclosure control: which groups' numbers may be published, judged over everything published.

Pure functions over plain data (pandas/numpy); no database access.

The rule. Everything anyone can see about a campaign is a set of numbers about groups of
respondents: a mean, a count, a spread or a share over the people of a group who answered.
Split the respondents into *cells* by every published group (two people share a cell when they
belong to exactly the same published groups, in every release so far). A group may be published
only if, afterwards, every cell holds either nobody or at least `threshold` people who
contribute to that kind of number. Any sum or difference of published numbers is then a sum over
whole cells: it always pools at least `threshold` people, whatever else a viewer combines it
with (another breakdown, a department report, an earlier release). A respondent who sees a group
they belong to learns the pooled answers of the others in their cell: each answer is still pooled
with at least `threshold - 1` other people's.

Kinds of number ("families") are judged separately, because each has its own contributors:
    ("members",)            counts of respondents (who answered at all)
    ("dimension", key)      scores, spreads and favourable shares of one dimension: the people who
                            have a score for it (enough items answered)
    ("item", key)           one statement's mean, favourable share and answer counts: the people
                            who answered it (not "don't know")
    ("gap", key)            a dimension scored on the statements both executives and everyone else
                            answered (the perception gap's two sides): the people with such a score
    ("mapped", key)         a dimension scored on the statements shared with an earlier questionnaire
                            version (re-assessment across versions)

Groups are tried in priority order and each is published only if the rule still holds with it;
so the organisation comes first, then executives and everyone else (the perception gap), role
groups, departments, and roles within departments. A breakdown's groups that cannot be shown on
their own are pooled into one "other" group, which is itself published only if the rule holds.

Releases. Results change only when a new release is cut; respondents are tagged with the release
that first included them (their `batch`). The groups of every earlier release stay in the cell
split, so a group whose membership grew by fewer than `threshold` since the last release cannot
be published again with the new figure.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

# A group's label: ("org",), ("role", key), ("in", department, "role", key), ... (nested tuples
# of strings once read back from a release's JSON). A family: ("members",), ("dimension", key), ...
Label = tuple[Any, ...]
Family = tuple[str, ...]
Mask = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int64]
Weights = dict[Family, npt.NDArray[np.float64]]

EXECUTIVE = "executive"
MEMBERS: Family = ("members",)


def dimension_family(key: str) -> Family:
    return ("dimension", key)


def item_family(key: str) -> Family:
    return ("item", key)


def gap_family(key: str) -> Family:
    return ("gap", key)


def mapped_family(key: str) -> Family:
    return ("mapped", key)


@dataclass(frozen=True)
class Group:
    """A set of respondents defined by attributes: `roles`/`departments` None means any.

    `upto` limits it to respondents first included in releases 1..upto (None: all so far).
    `label` names it for reports: ("org",), ("role", key), ("role_other", members), ("department", key), ...
    """

    label: Label
    roles: frozenset[str] | None = None
    departments: frozenset[str] | None = None
    upto: int | None = None

    def mask(self, atoms: pd.DataFrame) -> Mask:
        keep: Mask = np.ones(len(atoms), dtype=bool)
        if self.roles is not None:
            keep &= atoms["role_group"].isin(self.roles).to_numpy()
        if self.departments is not None:
            keep &= atoms["department"].isin(self.departments).to_numpy()
        if self.upto is not None:
            keep &= (atoms["batch"] <= self.upto).to_numpy()
        return keep

    def to_json(self) -> dict[str, Any]:
        return {
            "label": list(_jsonable(self.label)),
            "roles": sorted(self.roles) if self.roles is not None else None,
            "departments": sorted(self.departments) if self.departments is not None else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], upto: int | None) -> "Group":
        return cls(
            label=_tupled(data["label"]),
            roles=frozenset(data["roles"]) if data["roles"] is not None else None,
            departments=frozenset(data["departments"]) if data["departments"] is not None else None,
            upto=upto,
        )


def _jsonable(value: Any) -> Any:
    return [_jsonable(v) for v in value] if isinstance(value, (tuple, list)) else value


def _tupled(value: Any) -> Any:
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


@dataclass
class Candidate:
    group: Group
    families: tuple[Family, ...]  # the families it would be published in
    requires: tuple[Label, ...] = ()  # labels that must be published (members) for this one to be tried
    breakdown: tuple[str, Label] | None = None  # (kind, scope) of a breakdown row: kind "role" or "department"
    other_of: tuple[str, Label] | None = None  # set for the pooled "other" of a breakdown: its (kind, scope)


@dataclass
class Plan:
    """The published groups of one release, per family, as labels; and the groups themselves."""

    groups: dict[Label, Group] = field(default_factory=dict)
    families: dict[Family, list[Label]] = field(default_factory=dict)  # labels in priority order

    def shows(self, label: Label, family: Family = MEMBERS) -> bool:
        return label in self.families.get(family, ())

    def to_json(self) -> dict[str, Any]:
        return {
            "groups": [
                {**g.to_json(), "families": [list(f) for f in self._families_of(label)]}
                for label, g in self.groups.items()
            ],
        }

    def _families_of(self, label: Label) -> list[Family]:
        return [family for family, labels in self.families.items() if label in labels]

    @classmethod
    def from_json(cls, data: Mapping[str, Any], upto: int | None) -> "Plan":
        plan = cls()
        for entry in data.get("groups", []):
            group = Group.from_json(entry, upto)
            plan.groups[group.label] = group
            for family in entry["families"]:
                plan.families.setdefault(tuple(family), []).append(group.label)
        return plan


# --- atoms and weights -------------------------------------------------------------------------


def atoms_of(respondents: pd.DataFrame) -> tuple[pd.DataFrame, Codes]:
    """Respondents grouped by everything a group can select on: role group, department, batch.

    `respondents` has columns respondent, role_group, department, batch. Returns (atoms, index):
    atoms one row per combination, index the atom number of each respondent (aligned with rows).
    """
    # each column factorised on its own, then their combined integer code: the same atoms, in the
    # same order (first seen first), as factorising the rows' tuples, without building the tuples
    columns = (
        respondents["role_group"].fillna("").astype(str),
        respondents["department"].fillna("").astype(str),
        respondents["batch"].astype(int),
    )
    combined: Codes = np.zeros(len(respondents), dtype=np.int64)
    parts: list[tuple[Codes, Any]] = []
    for column in columns:
        codes, uniques = pd.factorize(column)
        combined = combined * max(len(uniques), 1) + codes
        parts.append((codes, uniques))
    atom_codes, _ = pd.factorize(combined)
    rows = np.unique(atom_codes, return_index=True)[1]  # each atom's first respondent
    atoms = pd.DataFrame(
        {
            name: np.asarray(uniques)[column_codes[rows]]
            for name, (column_codes, uniques) in zip(("role_group", "department", "batch"), parts, strict=True)
        }
    )
    atoms["batch"] = atoms["batch"].astype(int)
    return atoms, np.asarray(atom_codes, dtype=np.int64)


def family_weights(
    respondents: pd.DataFrame,
    atom_index: Codes,
    n_atoms: int,
    scores: pd.DataFrame,
    answered: pd.DataFrame,
    gap_scores: pd.DataFrame | None = None,
    mapped_scores: pd.DataFrame | None = None,
) -> Weights:
    """Contributors per atom for every family.

    `scores` is the respondent × dimension score table (NaN = no score), `answered` a respondent ×
    item boolean table (True = answered with a value), both indexed by respondent in the order of
    `respondents`.
    """
    weights: Weights = {MEMBERS: np.bincount(atom_index, minlength=n_atoms).astype(float)}

    def counted(has: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(np.bincount(atom_index, weights=has, minlength=n_atoms), dtype=np.float64)

    for key in scores.columns:
        weights[dimension_family(key)] = counted(scores[key].notna().to_numpy(dtype=float))
    for key in answered.columns:
        weights[item_family(key)] = counted(answered[key].to_numpy(dtype=float))
    if gap_scores is not None:
        for key in gap_scores.columns:
            weights[gap_family(key)] = counted(gap_scores[key].notna().to_numpy(dtype=float))
    if mapped_scores is not None:
        for key in mapped_scores.columns:
            weights[mapped_family(key)] = counted(mapped_scores[key].notna().to_numpy(dtype=float))
    return weights


# --- the cell split ----------------------------------------------------------------------------


def _split(labels: Codes, mask: Mask) -> Codes:
    _, inverse = np.unique(labels * 2 + mask.astype(np.int64), return_inverse=True)
    return inverse.astype(np.int64)


def _cells_ok(labels: Codes, weights: npt.NDArray[np.float64], threshold: float) -> bool:
    sizes = np.bincount(labels, weights=weights)
    return bool(np.all((sizes < 0.5) | (sizes >= threshold - 1e-9)))


def plan_release(
    *,
    atoms: pd.DataFrame,
    weights: Weights,
    candidates: Sequence[Candidate],
    prior: Sequence[tuple[Group, tuple[Family, ...]]],
    threshold: int,
) -> Plan:
    """The groups published in this release, per family.

    `prior` lists (Group, families) published in earlier releases; they are part of the split from
    the start. Candidates are tried in order; a candidate is published in a family when every cell
    keeps 0 or at least `threshold` contributors. A candidate for dimension or item families is
    tried only if it was published in the members family. A pooled "other" candidate takes in
    every group of its breakdown that was not published on its own.
    """
    plan = Plan()
    n_atoms = len(atoms)
    masks: dict[Label, Mask] = {}

    def mask_of(group: Group) -> Mask:
        if group.label not in masks:
            masks[group.label] = group.mask(atoms)
        return masks[group.label]

    families = [MEMBERS] + [f for f in weights if f != MEMBERS]
    for family in families:
        if family not in weights:
            continue
        w = weights[family]
        labels: Codes = np.zeros(n_atoms, dtype=np.int64)
        for earlier, earlier_families in prior:
            if family in earlier_families:
                labels = _split(labels, earlier.mask(atoms))
        published = plan.families.setdefault(family, [])
        for candidate in candidates:
            if family not in candidate.families:
                continue
            if family != MEMBERS and not plan.shows(candidate.group.label):
                continue
            if any(not plan.shows(r) for r in candidate.requires):
                continue
            if candidate.other_of is None:
                group = candidate.group
            elif family == MEMBERS:
                pooled = _pooled_other(candidate, candidates, plan, atoms)
                if pooled is None:
                    continue
                masks.pop(pooled.label, None)
                group = pooled
            else:
                shown = plan.groups.get(candidate.group.label)  # the "other" as published in members
                if shown is None:
                    continue
                group = shown
            trial = _split(labels, mask_of(group))
            if _cells_ok(trial, w, threshold):
                labels = trial
                published.append(group.label)
                plan.groups.setdefault(group.label, group)
        if not published:
            del plan.families[family]
    return plan


def _pooled_other(
    candidate: Candidate, candidates: Sequence[Candidate], plan: Plan, atoms: pd.DataFrame
) -> Group | None:
    """The "other" group of a breakdown: its members not published on their own, if any."""
    breakdown = candidate.other_of
    if breakdown is None:  # only pooled "other" candidates have a breakdown to pool
        return None
    left_out = [
        c.group for c in candidates if c.other_of is None and c.breakdown == breakdown and not plan.shows(c.group.label)
    ]
    small = candidate.group
    base = small.roles if breakdown[0] == "role" else small.departments
    extra: set[str] = set()
    for group in left_out:
        extra |= set((group.roles if breakdown[0] == "role" else group.departments) or ())
    members = frozenset(set(base or ()) | extra)
    if not members:
        return None
    label = candidate.group.label
    if breakdown[0] == "role":
        return Group(label=label, roles=members, departments=small.departments, upto=small.upto)
    return Group(label=label, roles=small.roles, departments=members, upto=small.upto)


# --- the candidates of a campaign --------------------------------------------------------------


def _sizes(respondents: pd.DataFrame, column: str) -> dict[str, int]:
    return {str(key): int(n) for key, n in respondents[column].fillna("").astype(str).value_counts().items()}


def _breakdown(
    column: str,
    respondents: pd.DataFrame,
    threshold: int,
    families: tuple[Family, ...],
    *,
    scope_roles: frozenset[str] | None = None,
    scope_departments: frozenset[str] | None = None,
    label_prefix: Label = (),
    requires: tuple[Label, ...] = (),
    protect: tuple[str, ...] = (),
) -> list[Candidate]:
    """Candidates for one breakdown: its groups that reach the threshold, largest first, then "other"."""
    kind = "role" if column == "role_group" else "department"
    sizes = _sizes(respondents, column)
    big = sorted((k for k, n in sizes.items() if n >= threshold), key=lambda k: (k not in protect, -sizes[k], k))
    small = sorted(k for k, n in sizes.items() if n < threshold)
    out: list[Candidate] = []
    for key in big:
        if column == "role_group":
            group = Group(label=(*label_prefix, "role", key), roles=frozenset([key]), departments=scope_departments)
        else:
            group = Group(label=(*label_prefix, "department", key), roles=scope_roles, departments=frozenset([key]))
        out.append(Candidate(group=group, families=families, requires=requires, breakdown=(kind, label_prefix)))
    if column == "role_group":
        other = Group(label=(*label_prefix, "role_other"), roles=frozenset(small), departments=scope_departments)
    else:
        other = Group(label=(*label_prefix, "department_other"), roles=scope_roles, departments=frozenset(small))
    out.append(Candidate(group=other, families=families, requires=requires, other_of=(kind, label_prefix)))
    return out


def campaign_candidates(
    respondents: pd.DataFrame,
    dimension_keys: Iterable[str],
    item_keys: Iterable[str],
    threshold: int,
    mapped_keys: Iterable[str] = (),
) -> list[Candidate]:
    """Every group a report, workshop screen or personal report can show, in priority order.

    `respondents` has columns respondent, role_group, department (the released population).
    """
    dims = tuple(dimension_family(k) for k in dimension_keys)
    gaps = tuple(gap_family(k) for k in dimension_keys)
    # statements are shown for the organisation and whole departments, their counts for role groups
    # (the method appendix); cross-version scores for the organisation and whole departments only
    statements = tuple(item_family(k) for k in item_keys)
    items = statements + tuple(mapped_family(k) for k in mapped_keys)
    roles = respondents["role_group"].fillna("").astype(str)
    candidates = [Candidate(group=Group(label=("org",)), families=(MEMBERS, *dims, *items))]
    all_roles = frozenset(str(role) for role in roles.unique())
    if EXECUTIVE in all_roles:
        candidates.append(
            Candidate(
                group=Group(label=("role", EXECUTIVE), roles=frozenset([EXECUTIVE])),
                families=(MEMBERS, *dims, *gaps, *statements),
                breakdown=("role", ()),
            )
        )
        candidates.append(
            Candidate(
                group=Group(label=("nonexecutive",), roles=all_roles - {EXECUTIVE}), families=(MEMBERS, *dims, *gaps)
            )
        )
    # role groups' statement counts feed the method appendix's "don't know" by role group
    role_rows = _breakdown("role_group", respondents, threshold, (MEMBERS, *dims, *statements), protect=(EXECUTIVE,))
    candidates += [c for c in role_rows if c.group.label != ("role", EXECUTIVE)]
    candidates += _breakdown("department", respondents, threshold, (MEMBERS, *dims, *items))
    departments = respondents["department"].fillna("").astype(str)
    for key, n in _sizes(respondents, "department").items():
        if not key or n < threshold:
            continue
        inside = respondents[departments == key]
        scope = frozenset([key])
        prefix = ("in", key)
        requires = (("department", key),)
        inside_roles = frozenset(str(role) for role in inside["role_group"].fillna("").astype(str).unique())
        if EXECUTIVE in inside_roles:
            candidates.append(
                Candidate(
                    group=Group(label=(*prefix, "role", EXECUTIVE), roles=frozenset([EXECUTIVE]), departments=scope),
                    families=(MEMBERS, *dims, *gaps),
                    requires=requires,
                    breakdown=("role", prefix),
                )
            )
            candidates.append(
                Candidate(
                    group=Group(label=(*prefix, "nonexecutive"), roles=inside_roles - {EXECUTIVE}, departments=scope),
                    families=(MEMBERS, *dims, *gaps),
                    requires=requires,
                )
            )
        rows = _breakdown(
            "role_group",
            inside,
            threshold,
            (MEMBERS, *dims),
            scope_departments=scope,
            label_prefix=prefix,
            requires=requires,
            protect=(EXECUTIVE,),
        )
        candidates += [c for c in rows if c.group.label != (*prefix, "role", EXECUTIVE)]
    return candidates


def prior_groups(plans: Iterable[Plan]) -> list[tuple[Group, tuple[Family, ...]]]:
    """(Group, families) of every earlier release, each limited to the respondents it then covered."""
    out: list[tuple[Group, tuple[Family, ...]]] = []
    for plan in plans:
        for label, group in plan.groups.items():
            families = tuple(f for f, labels in plan.families.items() if label in labels)
            out.append((group, families))
    return out
