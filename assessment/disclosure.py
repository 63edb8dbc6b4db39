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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

EXECUTIVE = "executive"
MEMBERS = ("members",)


def dimension_family(key):
    return ("dimension", key)


def item_family(key):
    return ("item", key)


def gap_family(key):
    return ("gap", key)


def mapped_family(key):
    return ("mapped", key)


@dataclass(frozen=True)
class Group:
    """A set of respondents defined by attributes: `roles`/`departments` None means any.

    `upto` limits it to respondents first included in releases 1..upto (None: all so far).
    `label` names it for reports: ("org",), ("role", key), ("role_other", members), ("department", key), ...
    """

    label: tuple
    roles: frozenset | None = None
    departments: frozenset | None = None
    upto: int | None = None

    def mask(self, atoms):
        keep = np.ones(len(atoms), dtype=bool)
        if self.roles is not None:
            keep &= atoms["role_group"].isin(self.roles).to_numpy()
        if self.departments is not None:
            keep &= atoms["department"].isin(self.departments).to_numpy()
        if self.upto is not None:
            keep &= (atoms["batch"] <= self.upto).to_numpy()
        return keep

    def to_json(self):
        return {
            "label": list(_jsonable(self.label)),
            "roles": sorted(self.roles) if self.roles is not None else None,
            "departments": sorted(self.departments) if self.departments is not None else None,
        }

    @classmethod
    def from_json(cls, data, upto):
        return cls(
            label=_tupled(data["label"]),
            roles=frozenset(data["roles"]) if data["roles"] is not None else None,
            departments=frozenset(data["departments"]) if data["departments"] is not None else None,
            upto=upto,
        )


def _jsonable(value):
    return [_jsonable(v) for v in value] if isinstance(value, (tuple, list)) else value


def _tupled(value):
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


@dataclass
class Candidate:
    group: Group
    families: tuple  # the families it would be published in
    requires: tuple = ()  # labels that must be published (members) for this one to be tried
    breakdown: tuple | None = None  # (kind, scope) of a breakdown row: kind "role" or "department"
    other_of: tuple | None = None  # set for the pooled "other" of a breakdown: its (kind, scope)


@dataclass
class Plan:
    """The published groups of one release, per family, as labels; and the groups themselves."""

    groups: dict = field(default_factory=dict)  # label -> Group
    families: dict = field(default_factory=dict)  # family -> [label, ...] in priority order

    def shows(self, label, family=MEMBERS):
        return label in self.families.get(family, ())

    def to_json(self):
        return {
            "groups": [{**g.to_json(), "families": [list(f) for f in self._families_of(label)]}
                       for label, g in self.groups.items()],
        }

    def _families_of(self, label):
        return [family for family, labels in self.families.items() if label in labels]

    @classmethod
    def from_json(cls, data, upto):
        plan = cls()
        for entry in data.get("groups", []):
            group = Group.from_json(entry, upto)
            plan.groups[group.label] = group
            for family in entry["families"]:
                plan.families.setdefault(tuple(family), []).append(group.label)
        return plan


# --- atoms and weights -------------------------------------------------------------------------


def atoms_of(respondents):
    """Respondents grouped by everything a group can select on: role group, department, batch.

    `respondents` has columns respondent, role_group, department, batch. Returns (atoms, index):
    atoms one row per combination, index the atom number of each respondent (aligned with rows).
    """
    # each column factorised on its own, then their combined integer code: the same atoms, in the
    # same order (first seen first), as factorising the rows' tuples, without building the tuples
    columns = (respondents["role_group"].fillna("").astype(str), respondents["department"].fillna("").astype(str),
               respondents["batch"].astype(int))
    combined = np.zeros(len(respondents), dtype=np.int64)
    parts = []
    for column in columns:
        codes, uniques = pd.factorize(column)
        combined = combined * max(len(uniques), 1) + codes
        parts.append((codes, uniques))
    atom_codes, _ = pd.factorize(combined)
    rows = np.unique(atom_codes, return_index=True)[1]  # each atom's first respondent
    atoms = pd.DataFrame({name: np.asarray(uniques)[column_codes[rows]]
                          for name, (column_codes, uniques) in zip(("role_group", "department", "batch"), parts)})
    atoms["batch"] = atoms["batch"].astype(int)
    return atoms, atom_codes


def family_weights(respondents, atom_index, n_atoms, scores, answered, gap_scores=None, mapped_scores=None):
    """Contributors per atom for every family.

    `scores` is the respondent × dimension score table (NaN = no score), `answered` a respondent ×
    item boolean table (True = answered with a value), both indexed by respondent in the order of
    `respondents`.
    """
    weights = {MEMBERS: np.bincount(atom_index, minlength=n_atoms).astype(float)}
    for key in scores.columns:
        has = scores[key].notna().to_numpy(dtype=float)
        weights[dimension_family(key)] = np.bincount(atom_index, weights=has, minlength=n_atoms)
    for key in answered.columns:
        has = answered[key].to_numpy(dtype=float)
        weights[item_family(key)] = np.bincount(atom_index, weights=has, minlength=n_atoms)
    for key in (gap_scores.columns if gap_scores is not None else ()):
        has = gap_scores[key].notna().to_numpy(dtype=float)
        weights[gap_family(key)] = np.bincount(atom_index, weights=has, minlength=n_atoms)
    for key in (mapped_scores.columns if mapped_scores is not None else ()):
        has = mapped_scores[key].notna().to_numpy(dtype=float)
        weights[mapped_family(key)] = np.bincount(atom_index, weights=has, minlength=n_atoms)
    return weights


# --- the cell split ----------------------------------------------------------------------------


def _split(labels, mask):
    _, inverse = np.unique(labels * 2 + mask.astype(np.int64), return_inverse=True)
    return inverse.astype(np.int64)


def _cells_ok(labels, weights, threshold):
    sizes = np.bincount(labels, weights=weights)
    return bool(np.all((sizes < 0.5) | (sizes >= threshold - 1e-9)))


def plan_release(*, atoms, weights, candidates, prior, threshold):
    """The groups published in this release, per family.

    `prior` lists (Group, families) published in earlier releases; they are part of the split from
    the start. Candidates are tried in order; a candidate is published in a family when every cell
    keeps 0 or at least `threshold` contributors. A candidate for dimension or item families is
    tried only if it was published in the members family. A pooled "other" candidate takes in
    every group of its breakdown that was not published on its own.
    """
    plan = Plan()
    n_atoms = len(atoms)
    masks = {}

    def mask_of(group):
        if group.label not in masks:
            masks[group.label] = group.mask(atoms)
        return masks[group.label]

    families = [MEMBERS] + [f for f in weights if f != MEMBERS]
    for family in families:
        if family not in weights:
            continue
        w = weights[family]
        labels = np.zeros(n_atoms, dtype=np.int64)
        for group, group_families in prior:
            if family in group_families:
                labels = _split(labels, group.mask(atoms))
        published = plan.families.setdefault(family, [])
        for candidate in candidates:
            if family not in candidate.families:
                continue
            if family != MEMBERS and not plan.shows(candidate.group.label):
                continue
            if any(not plan.shows(r) for r in candidate.requires):
                continue
            group = candidate.group
            if candidate.other_of is not None and family == MEMBERS:
                group = _pooled_other(candidate, candidates, plan, atoms)
                if group is None:
                    continue
                masks.pop(group.label, None)
            elif candidate.other_of is not None:
                group = plan.groups.get(group.label)
                if group is None:
                    continue
            trial = _split(labels, mask_of(group))
            if _cells_ok(trial, w, threshold):
                labels = trial
                published.append(group.label)
                plan.groups.setdefault(group.label, group)
        if not published:
            del plan.families[family]
    return plan


def _pooled_other(candidate, candidates, plan, atoms):
    """The "other" group of a breakdown: its members not published on their own, if any."""
    breakdown = candidate.other_of
    left_out = [
        c.group for c in candidates
        if c.other_of is None and c.breakdown == breakdown and not plan.shows(c.group.label)
    ]
    small = candidate.group
    base = small.roles if breakdown[0] == "role" else small.departments
    extra = set()
    for group in left_out:
        extra |= set(group.roles if breakdown[0] == "role" else group.departments)
    members = frozenset(set(base or ()) | extra)
    if not members:
        return None
    label = candidate.group.label
    if breakdown[0] == "role":
        return Group(label=label, roles=members, departments=small.departments, upto=small.upto)
    return Group(label=label, roles=small.roles, departments=members, upto=small.upto)


# --- the candidates of a campaign --------------------------------------------------------------


def _sizes(respondents, column):
    return respondents[column].fillna("").astype(str).value_counts().to_dict()


def _breakdown(column, respondents, threshold, families, *, scope_roles=None, scope_departments=None,
               label_prefix=(), requires=(), protect=()):
    """Candidates for one breakdown: its groups that reach the threshold, largest first, then "other"."""
    kind = "role" if column == "role_group" else "department"
    sizes = _sizes(respondents, column)
    big = sorted((k for k, n in sizes.items() if n >= threshold), key=lambda k: (k not in protect, -sizes[k], k))
    small = sorted(k for k, n in sizes.items() if n < threshold)
    out = []
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


def campaign_candidates(respondents, dimension_keys, item_keys, threshold, mapped_keys=()):
    """Every group a report, workshop screen or personal report can show, in priority order.

    `respondents` has columns respondent, role_group, department (the released population).
    """
    dims = tuple(dimension_family(k) for k in dimension_keys)
    gaps = tuple(gap_family(k) for k in dimension_keys)
    # statements and cross-version scores are shown for the organisation and whole departments only
    items = tuple(item_family(k) for k in item_keys) + tuple(mapped_family(k) for k in mapped_keys)
    roles = respondents["role_group"].fillna("").astype(str)
    candidates = [Candidate(group=Group(label=("org",)), families=(MEMBERS, *dims, *items))]
    all_roles = frozenset(roles.unique())
    if EXECUTIVE in all_roles:
        candidates.append(Candidate(group=Group(label=("role", EXECUTIVE), roles=frozenset([EXECUTIVE])),
                                    families=(MEMBERS, *dims, *gaps), breakdown=("role", ())))
        candidates.append(Candidate(group=Group(label=("nonexecutive",), roles=all_roles - {EXECUTIVE}),
                                    families=(MEMBERS, *dims, *gaps)))
    role_rows = _breakdown("role_group", respondents, threshold, (MEMBERS, *dims), protect=(EXECUTIVE,))
    candidates += [c for c in role_rows if c.group.label != ("role", EXECUTIVE)]
    candidates += _breakdown("department", respondents, threshold, (MEMBERS, *dims, *items))
    departments = respondents["department"].fillna("").astype(str)
    for key, n in departments.value_counts().items():
        if not key or n < threshold:
            continue
        inside = respondents[departments == key]
        scope = frozenset([key])
        prefix = ("in", key)
        requires = (("department", key),)
        inside_roles = frozenset(inside["role_group"].fillna("").astype(str).unique())
        if EXECUTIVE in inside_roles:
            candidates.append(Candidate(
                group=Group(label=(*prefix, "role", EXECUTIVE), roles=frozenset([EXECUTIVE]), departments=scope),
                families=(MEMBERS, *dims, *gaps), requires=requires, breakdown=("role", prefix)))
            candidates.append(Candidate(
                group=Group(label=(*prefix, "nonexecutive"), roles=inside_roles - {EXECUTIVE}, departments=scope),
                families=(MEMBERS, *dims, *gaps), requires=requires))
        rows = _breakdown("role_group", inside, threshold, (MEMBERS, *dims),
                          scope_departments=scope, label_prefix=prefix, requires=requires, protect=(EXECUTIVE,))
        candidates += [c for c in rows if c.group.label != (*prefix, "role", EXECUTIVE)]
    return candidates


def prior_groups(plans):
    """(Group, families) of every earlier release, each limited to the respondents it then covered."""
    out = []
    for plan in plans:
        for label, group in plan.groups.items():
            families = tuple(f for f, labels in plan.families.items() if label in labels)
            out.append((group, families))
    return out
