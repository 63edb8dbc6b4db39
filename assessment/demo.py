"""A plausible demo organisation: synthetic answers that show the diagnosis's pattern.

Executives rate vision (and, less so, everything else) higher than staff do; the innovation
team feels alone (low buy-in). Generation is a pure function of the seed.
"""

from datetime import timedelta

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .framework_file import EVERYONE, audience_includes
from .loading import answers_loading
from .models import (
    Answer,
    Campaign,
    Comment,
    Department,
    Organisation,
    Response,
    RoleGroup,
    Tenure,
)
from .services import invitation_create

DEMO_SLUG = "demo-manufacturing"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-innovation"  # noqa: S105 (published demo login; check --deploy refuses it)

DEPARTMENTS = [
    ("rd", "Research & Development", "研究開発本部"),
    ("sales", "Sales", "営業本部"),
    ("marketing", "Marketing", "マーケティング部"),
    ("manufacturing", "Manufacturing", "生産本部"),
    ("planning", "Corporate Planning", "経営企画部"),
    ("hr", "Human Resources", "人事部"),
    ("it", "IT & Digital", "IT・DX推進部"),
    ("innovation", "New Business Office", "新規事業開発室"),
]
ROLE_DEPARTMENTS = {
    RoleGroup.EXECUTIVE: ["rd", "sales", "planning", "manufacturing"],
    RoleGroup.BU_HEAD: ["rd", "sales", "marketing", "manufacturing"],
    RoleGroup.MANAGER: ["rd", "sales", "marketing", "manufacturing", "planning", "hr", "it"],
    RoleGroup.INNOVATION_TEAM: ["innovation"],
    RoleGroup.BUSINESS: ["rd", "sales", "marketing", "manufacturing"],
    RoleGroup.CORPORATE: ["planning", "hr", "it"],
}
SUBMITTED_BY_ROLE = {  # questionnaire 1.0 (four role groups)
    RoleGroup.EXECUTIVE: 8,
    RoleGroup.INNOVATION_TEAM: 8,
    RoleGroup.BUSINESS: 18,
    RoleGroup.CORPORATE: 14,
}
SUBMITTED_BY_ROLE_1_1 = {  # 1.1 separates business-unit heads and managers; still 48 in all
    RoleGroup.EXECUTIVE: 6,
    RoleGroup.BU_HEAD: 5,
    RoleGroup.MANAGER: 8,
    RoleGroup.INNOVATION_TEAM: 7,
    RoleGroup.BUSINESS: 12,
    RoleGroup.CORPORATE: 10,
}
IN_PROGRESS = 6
NOT_STARTED = 8

# Mean agreement (1–5) with the positively worded statements, before role adjustments.
BASE_MEAN = {"vision": 2.5, "budget": 2.3, "buy_in": 2.4, "exposure": 2.5, "team": 2.9, "system": 2.4}
ROLE_SHIFT = {
    RoleGroup.EXECUTIVE: {"vision": 1.4, "budget": 0.8, "buy_in": 0.7, "exposure": 0.5, "team": 0.4, "system": 0.5},
    RoleGroup.BU_HEAD: {"vision": 0.8, "budget": 0.5, "buy_in": 0.3, "exposure": 0.3},
    RoleGroup.MANAGER: {"vision": 0.2, "buy_in": -0.2},
    RoleGroup.INNOVATION_TEAM: {"buy_in": -0.5, "team": -0.3, "exposure": 0.3},
    RoleGroup.BUSINESS: {},
    RoleGroup.CORPORATE: {"system": 0.2},
}


# Synthetic comments for the 1.1 demo (written for it; no real respondent's words).
DEMO_COMMENTS = {
    "budget": [
        "少額の実証でも稟議が4段階あり、始めるまでに2か月かかります。",
        "予算が単年度なので、年度末に検証が止まってしまいます。",
        "Every small experiment needs several approvals before we can start.",
    ],
    "buy_in": [
        "事業部の協力は個人的なつながり頼みです。",
        "協力しても人事評価に反映されないので、手を挙げにくいです。",
        "Helping the innovation team does not count in our evaluations.",
    ],
    "system": [
        "スタートアップとの契約に法務確認で3か月かかりました。",
        "購買の取引先審査で設立3年未満の企業は対象外になります。",
        "Contracts with startups take months because of legal review.",
    ],
    "vision": [
        "方向性は聞いたことがありますが、自分の仕事との関係がわかりません。",
        "Our direction is a list of business fields, not a reason to care.",
    ],
}
DEMO_OBSTACLES = [
    "稟議の段階が多く、意思決定が遅いことです。",
    "予算が毎年見直されることです。",
    "人事異動で担当者がすぐ替わることです。",
    "稟議に時間がかかり、スタートアップを待たせてしまいます。",
    "Too many approval layers.",
    "Approval takes too long for startups.",
]


def demo_answers(*, seed, items, role_group, count):
    """Answers for `count` respondents of one role: a list of {item_key: value or None}.

    `items` is a list of (key, dimension_key, reverse[, audience]): only the statements shown to
    the role are answered. Values are 1–5, None is "don't know".
    """
    rng = np.random.default_rng([seed, list(RoleGroup.values).index(role_group)])
    items = [spec for spec in items if len(spec) < 4 or audience_includes(spec[3], role_group)]
    routed = any(len(spec) > 3 and spec[3] != [EVERYONE] for spec in items)
    people = []
    for _ in range(count):
        personal = rng.normal(0, 0.4)
        answers = {}
        for key, dimension_key, reverse, *_audience in items:
            mean = BASE_MEAN.get(dimension_key, 2.5) + ROLE_SHIFT[role_group].get(dimension_key, 0)
            # Staff asked about executives' doings outside the company (1.0) often cannot judge them;
            # 1.1 asks them what they can see instead.
            outside = dimension_key == "exposure" and role_group != RoleGroup.EXECUTIVE and not routed
            dont_know = 0.15 if outside else 0.04
            if rng.random() < dont_know:
                answers[key] = None
                continue
            agreement = int(np.clip(np.rint(mean + personal + rng.normal(0, 0.75)), 1, 5))
            answers[key] = 6 - agreement if reverse else agreement
        people.append(answers)
    return people


@transaction.atomic
def demo_organisation_create(*, framework, seed=1):
    """Create the demo organisation with its campaign and responses; returns the campaign."""
    now = timezone.now()
    rng = np.random.default_rng(seed)
    organisation = Organisation.objects.create(
        slug=DEMO_SLUG, name_en="Demo Manufacturing Co.", name_ja="デモ製造株式会社"
    )
    departments = {
        key: Department.objects.create(organisation=organisation, key=key, name_en=en, name_ja=ja)
        for key, en, ja in DEPARTMENTS
    }
    campaign = Campaign.objects.create(
        organisation=organisation,
        framework=framework,
        name="Innovation Readiness Assessment 2026",
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=30),
    )
    items = list(framework.items.select_related("dimension").order_by("dimension__order", "order"))
    item_specs = [(i.key, i.dimension.key, i.reverse, i.audience or [EVERYONE]) for i in items]
    item_by_key = {i.key: i for i in items}
    # 1.1 does not ask tenure; 1.0 does.
    tenures = list(Tenure.values) if "tenure" in framework.profile else [""]
    offered = {o["key"] for o in framework.profile["role_group"]["options"]}
    submitted_by_role = SUBMITTED_BY_ROLE_1_1 if RoleGroup.MANAGER in offered else SUBMITTED_BY_ROLE

    def invite(role):
        department = departments[rng.choice(ROLE_DEPARTMENTS[role])]
        invitation, _token = invitation_create(campaign=campaign, role_group=role, department=department)
        return invitation

    answers = []
    for role, count in submitted_by_role.items():
        for person in demo_answers(seed=seed, items=item_specs, role_group=role, count=count):
            invitation = invite(role)
            response = Response.objects.create(
                invitation=invitation,
                campaign=campaign,
                role_group=role,
                department=invitation.department,
                tenure=tenures[int(rng.integers(len(tenures)))],
                submitted_at=now - timedelta(days=int(rng.integers(1, 14))),
                # the innovation team, with its mid-career and overseas hires, answers in English
                language="en" if role == RoleGroup.INNOVATION_TEAM else "ja",
            )
            answers += [Answer(response=response, item=item_by_key[k], value=v) for k, v in person.items()]
    partial = demo_answers(seed=seed + 1, items=item_specs, role_group=RoleGroup.BUSINESS, count=IN_PROGRESS)
    for person in partial:
        invitation = invite(RoleGroup.BUSINESS)
        response = Response.objects.create(
            invitation=invitation,
            campaign=campaign,
            role_group=RoleGroup.BUSINESS,
            department=invitation.department,
            tenure=tenures[0],
        )
        answered = list(person.items())[: int(rng.integers(3, len(person)))]
        answers += [Answer(response=response, item=item_by_key[k], value=v) for k, v in answered]
    for _ in range(NOT_STARTED):
        invite(RoleGroup.CORPORATE)
    with answers_loading():  # submitted responses first, then their answers
        Answer.objects.bulk_create(answers)
    if framework.comments:
        _demo_comments(campaign=campaign, framework=framework)
    return campaign


def _demo_comments(*, campaign, framework):
    """A few comments from the first submitted respondents (deterministic: by response id)."""
    responses = list(campaign.responses.filter(submitted_at__isnull=False).order_by("pk"))
    dimensions = {d.key: d for d in framework.dimensions.all()}
    comments, writers = [], iter(responses)
    for key, texts in DEMO_COMMENTS.items():
        comments += [
            Comment(response=next(writers), kind="dimension", dimension=dimensions[key], text=t) for t in texts
        ]
    comments += [Comment(response=next(writers), kind="obstacle", text=t) for t in DEMO_OBSTACLES]
    Comment.objects.bulk_create(comments)


DEMO_ROLES = (("consultant", "consultant"), ("hr", "hr"), ("executive", "executive"))


def demo_users_ensure(*, organisation):
    """An admin login and one login per role of the demo organisation, all with DEMO_PASSWORD."""
    from django.contrib.auth.models import Permission

    from .models import Membership

    users = get_user_model().objects
    admin, created = users.get_or_create(
        username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True, "email": "demo@example.com"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    for username, role in DEMO_ROLES:
        user, created = users.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
        if role == "consultant":
            user.user_permissions.add(Permission.objects.get(codename="add_organisation"))
