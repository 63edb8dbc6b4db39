import importlib

import django.core.validators
from django.db import migrations, models

_invariants = importlib.import_module("assessment.migrations.0006_database_invariants")
_sqlite_only = importlib.import_module("assessment.migrations.0008_releases_threshold_log")._sqlite_only


def raise_comment_thresholds_below_ten(apps, schema_editor):
    # Comments need groups of at least 10 (issue #12); raising a promised threshold never breaks it.
    apps.get_model("assessment", "Campaign").objects.filter(comment_threshold__lt=10).update(comment_threshold=10)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0008_releases_threshold_log"),
    ]

    operations = [
        # Adding a NOT NULL column remakes the table on SQLite: the invariant triggers step aside.
        migrations.RunPython(_sqlite_only(_invariants._run(1)), _sqlite_only(_invariants._run(0))),
        migrations.RunPython(raise_comment_thresholds_below_ten, migrations.RunPython.noop),
        migrations.AddField(
            model_name="thresholdchange",
            name="kind",
            field=models.CharField(
                choices=[("anonymity", "Anonymity threshold"), ("comment", "Comment threshold")],
                default="anonymity",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="comment_threshold",
            field=models.PositiveSmallIntegerField(
                default=10,
                help_text="Comments are shown only for groups of at least this many respondents.",
                validators=[django.core.validators.MinValueValidator(10)],
            ),
        ),
        migrations.RunPython(_sqlite_only(_invariants._run(0)), _sqlite_only(_invariants._run(1))),
    ]
