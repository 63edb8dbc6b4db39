from django.db import migrations, models
from django.db.models import Q

JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXYZ234679"  # workshop.services at the time


def give_duplicates_new_codes(apps, schema_editor):
    # Codes were generated unused but not constrained: should two campaigns share one, the
    # oldest keeps it (it may be printed on a QR code) and the others get new ones.
    import secrets

    Campaign = apps.get_model("assessment", "Campaign")
    seen = set(Campaign.objects.exclude(join_code="").values_list("join_code", flat=True).distinct())
    kept = set()
    for campaign in Campaign.objects.exclude(join_code="").order_by("created_at", "pk"):
        if campaign.join_code not in kept:
            kept.add(campaign.join_code)
            continue
        code = campaign.join_code
        while code in seen:
            code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))
        seen.add(code)
        Campaign.objects.filter(pk=campaign.pk).update(join_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0011_respondent_list_jobs"),
    ]

    operations = [
        migrations.RunPython(give_duplicates_new_codes, migrations.RunPython.noop),
        # A partial unique index on both databases: no table rebuild on SQLite, so the invariant
        # triggers of 0006 stay as they are.
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.UniqueConstraint(
                condition=~Q(join_code=""), fields=("join_code",), name="campaign_join_code_unique"
            ),
        ),
    ]
