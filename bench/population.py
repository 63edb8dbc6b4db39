"""A large campaign written in bulk: invitations, responses and answers for benchmarks and scale tests.

`campaign_populate` writes rows directly (bulk_create, or COPY on PostgreSQL), not through the
respondent services: 10,000 respondents × 42 answers must take seconds, not the minutes that
one autosave per answer would. The answers follow the demo's pattern (assessment.demo).
"""

import io

import numpy as np
from django.db import connection
from django.utils import timezone

from assessment.loading import answers_loading
from assessment.models import (
    Answer,
    Department,
    Invitation,
    Item,
    Response,
    RoleGroup,
    Tenure,
)

ROLES = list(RoleGroup.values)
TENURES = list(Tenure.values)


def departments_create(*, organisation, count):
    """`count` departments named d00, d01, ... (Japanese and English names)."""
    Department.objects.bulk_create(
        Department(organisation=organisation, key=f"d{n:02d}", name_en=f"Department {n}", name_ja=f"部署{n}")
        for n in range(count)
    )
    return list(Department.objects.filter(organisation=organisation).order_by("key"))


def _copy(model, columns, rows):
    """PostgreSQL COPY of `rows` (tuples) into the model's table: several times faster than INSERT."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        # Production settings give statements a timeout; a bulk load of 400,000 answers (each
        # checked by the database's answer trigger) may take longer.
        cursor.execute("SET statement_timeout = 0")
        with cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buffer.read())


def campaign_populate(*, campaign, respondents, departments, submitted=0.8, started=0.9, answers=True, seed=1):
    """Write `respondents` invitations spread over `departments`; `started` of them have a response,
    `submitted` of them submitted it. With `answers`, every response answers every statement
    (about 5% "don't know"). Returns {"invited", "started", "submitted"}.
    """
    rng = np.random.default_rng(seed)
    now = timezone.now()
    Invitation.objects.bulk_create(
        (
            Invitation(
                campaign=campaign,
                token_hash=f"{campaign.pk:08x}{n:056x}",
                role_group=ROLES[n % len(ROLES)],
                department=departments[n % len(departments)] if departments else None,
                email=f"person{n}@example.com",
                invited_at=now,
            )
            for n in range(respondents)
        ),
        batch_size=2000,
    )
    invitations = list(
        Invitation.objects.filter(campaign=campaign).order_by("pk").values_list("id", "role_group", "department_id")
    )
    n_started, n_submitted = int(respondents * started), int(respondents * submitted)
    Response.objects.bulk_create(
        (
            Response(
                invitation_id=pk,
                campaign=campaign,
                role_group=role,
                department_id=department,
                tenure=TENURES[n % len(TENURES)],
                submitted_at=now if n < n_submitted else None,
            )
            for n, (pk, role, department) in enumerate(invitations[:n_started])
        ),
        batch_size=2000,
    )
    if answers:
        response_ids = np.array(Response.objects.filter(campaign=campaign).order_by("pk").values_list("id", flat=True))
        item_ids = np.array(
            Item.objects.filter(framework_id=campaign.framework_id).order_by("pk").values_list("id", flat=True)
        )
        values = rng.integers(1, 6, size=(len(response_ids), len(item_ids)))
        values = np.where(rng.random(values.shape) < 0.05, 0, values)
        rows = (
            (int(response_ids[r]), int(item_ids[c]), int(values[r, c]) or None, now.isoformat())
            for r in range(len(response_ids))
            for c in range(len(item_ids))
        )
        with answers_loading():  # submitted responses, then their answers
            if connection.vendor == "postgresql":
                _copy(Answer, ("response_id", "item_id", "value", "updated_at"), rows)
            else:
                batch = []
                for response_id, item_id, value, _updated in rows:
                    batch.append(Answer(response_id=response_id, item_id=item_id, value=value))
                    if len(batch) >= 20000:
                        Answer.objects.bulk_create(batch)
                        batch = []
                Answer.objects.bulk_create(batch)
    return {"invited": respondents, "started": n_started, "submitted": n_submitted}
