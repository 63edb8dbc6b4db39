"""A submitted response takes no new answers either (0006 refused only changing them), and the
invariant triggers wake only for the columns they check.

- A new answer to a submitted response is refused unless the inserting transaction can see a row
  of assessment_answerload: loaders (`assessment.loading.answers_loading`: response imports,
  backups, demo data) write a submitted response and then its answers inside one; the row is
  deleted before commit, so no other connection ever sees it.
- The response triggers run on INSERT, and on UPDATE only when the campaign, invitation,
  department or submission changes: the autosave's `UPDATE ... SET updated_at` (every answer
  clicked) no longer runs their look-ups. The answer triggers on UPDATE run only when the value,
  statement or response changes.

From here on, a SQLite migration that remakes one of these tables drops and recreates the
triggers with this module's `_run` (not 0006's, whose set this one replaces).
"""

import importlib

from django.db import migrations, models

_0006 = importlib.import_module("assessment.migrations.0006_database_invariants")

POSTGRESQL_UP = """
CREATE OR REPLACE FUNCTION assessment_answer_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    response_framework bigint;
    response_submitted timestamptz;
BEGIN
    SELECT c.framework_id, r.submitted_at INTO response_framework, response_submitted
        FROM assessment_response r JOIN assessment_campaign c ON c.id = r.campaign_id WHERE r.id = NEW.response_id;
    IF (TG_OP = 'INSERT' OR NEW.item_id <> OLD.item_id OR NEW.response_id <> OLD.response_id)
       AND (SELECT framework_id FROM assessment_item WHERE id = NEW.item_id) IS DISTINCT FROM response_framework THEN
        RAISE EXCEPTION 'answer_item_framework: statement % is not in the framework of response %''s campaign',
            NEW.item_id, NEW.response_id USING ERRCODE = '23514';
    END IF;
    IF TG_OP = 'INSERT' AND response_submitted IS NOT NULL AND NOT EXISTS (SELECT 1 FROM assessment_answerload) THEN
        RAISE EXCEPTION 'answer_submitted_final: response % is submitted; it takes no new answers', NEW.response_id
            USING ERRCODE = '23514';
    END IF;
    IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM assessment_response
                                   WHERE id IN (OLD.response_id, NEW.response_id) AND submitted_at IS NOT NULL) THEN
        RAISE EXCEPTION 'answer_submitted_final: response % is submitted; its answers cannot change', OLD.response_id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$
-- next
DROP TRIGGER IF EXISTS assessment_answer_check ON assessment_answer
-- next
CREATE TRIGGER assessment_answer_insert_check BEFORE INSERT ON assessment_answer
    FOR EACH ROW EXECUTE FUNCTION assessment_answer_check()
-- next
CREATE TRIGGER assessment_answer_update_check BEFORE UPDATE ON assessment_answer
    FOR EACH ROW WHEN (NEW.value IS DISTINCT FROM OLD.value OR NEW.item_id <> OLD.item_id
                       OR NEW.response_id <> OLD.response_id)
    EXECUTE FUNCTION assessment_answer_check()
-- next
DROP TRIGGER IF EXISTS assessment_response_check ON assessment_response
-- next
CREATE TRIGGER assessment_response_insert_check BEFORE INSERT ON assessment_response
    FOR EACH ROW EXECUTE FUNCTION assessment_response_check()
-- next
CREATE TRIGGER assessment_response_update_check BEFORE UPDATE ON assessment_response
    FOR EACH ROW WHEN (NEW.campaign_id <> OLD.campaign_id OR NEW.invitation_id <> OLD.invitation_id
                       OR NEW.department_id IS DISTINCT FROM OLD.department_id
                       OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at)
    EXECUTE FUNCTION assessment_response_check()
"""

POSTGRESQL_DOWN = """
DROP TRIGGER IF EXISTS assessment_answer_insert_check ON assessment_answer
-- next
DROP TRIGGER IF EXISTS assessment_answer_update_check ON assessment_answer
-- next
DROP TRIGGER IF EXISTS assessment_response_insert_check ON assessment_response
-- next
DROP TRIGGER IF EXISTS assessment_response_update_check ON assessment_response
-- next
""" + _0006.POSTGRESQL[0][0].split("-- next\n\nCREATE OR REPLACE FUNCTION assessment_invitation_check()")[0]
assert POSTGRESQL_DOWN.rstrip().endswith("FOR EACH ROW EXECUTE FUNCTION assessment_response_check()")

_ANSWER_FRAMEWORK = _0006._ANSWER_FRAMEWORK
_RESPONSE_CAMPAIGN = _0006._RESPONSE_CAMPAIGN
_RESPONSE_DEPARTMENT = _0006._RESPONSE_DEPARTMENT
_SUBMITTED = "EXISTS (SELECT 1 FROM assessment_response WHERE id = NEW.response_id AND submitted_at IS NOT NULL)"

# The whole set of SQLite invariant triggers from this migration on: (create, drop).
SQLITE = [
    (
        f"""CREATE TRIGGER assessment_answer_framework_insert BEFORE INSERT ON assessment_answer WHEN {_ANSWER_FRAMEWORK}
BEGIN SELECT RAISE(ABORT, 'answer_item_framework: statement not in the framework of the response''s campaign'); END""",
        "DROP TRIGGER IF EXISTS assessment_answer_framework_insert",
    ),
    (
        f"""CREATE TRIGGER assessment_answer_framework_update BEFORE UPDATE OF item_id, response_id ON assessment_answer
WHEN {_ANSWER_FRAMEWORK}
BEGIN SELECT RAISE(ABORT, 'answer_item_framework: statement not in the framework of the response''s campaign'); END""",
        "DROP TRIGGER IF EXISTS assessment_answer_framework_update",
    ),
    (
        f"""CREATE TRIGGER assessment_answer_submitted_insert BEFORE INSERT ON assessment_answer
WHEN {_SUBMITTED} AND NOT EXISTS (SELECT 1 FROM assessment_answerload)
BEGIN SELECT RAISE(ABORT, 'answer_submitted_final: the response is submitted; it takes no new answers'); END""",
        "DROP TRIGGER IF EXISTS assessment_answer_submitted_insert",
    ),
    (
        """CREATE TRIGGER assessment_answer_submitted_final BEFORE UPDATE OF value, item_id, response_id ON assessment_answer
WHEN EXISTS (SELECT 1 FROM assessment_response WHERE id IN (OLD.response_id, NEW.response_id) AND submitted_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'answer_submitted_final: the response is submitted; its answers cannot change'); END""",
        "DROP TRIGGER IF EXISTS assessment_answer_submitted_final",
    ),
    (
        f"""CREATE TRIGGER assessment_response_insert BEFORE INSERT ON assessment_response
WHEN ({_RESPONSE_CAMPAIGN}) OR ({_RESPONSE_DEPARTMENT})
BEGIN SELECT RAISE(ABORT, 'response_campaign_invitation or response_department_organisation violated'); END""",
        "DROP TRIGGER IF EXISTS assessment_response_insert",
    ),
    (
        f"""CREATE TRIGGER assessment_response_update BEFORE UPDATE OF campaign_id, invitation_id, department_id
ON assessment_response WHEN ({_RESPONSE_CAMPAIGN}) OR ({_RESPONSE_DEPARTMENT})
BEGIN SELECT RAISE(ABORT, 'response_campaign_invitation or response_department_organisation violated'); END""",
        "DROP TRIGGER IF EXISTS assessment_response_update",
    ),
    *_0006.SQLITE[5:],  # submission final, invitation campaign, campaign fixed: unchanged
]
assert [pair[1] for pair in _0006.SQLITE[5:]] == [
    "DROP TRIGGER IF EXISTS assessment_response_submission_final",
    "DROP TRIGGER IF EXISTS assessment_invitation_campaign",
    "DROP TRIGGER IF EXISTS assessment_campaign_fixed",
]


def _statements(text):
    return [statement for statement in text.split("\n-- next\n") if statement.strip()]


def _run(index):
    """index 0 creates this migration's SQLite triggers, 1 drops them (both with any earlier set)."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for create, drop in [*_0006.SQLITE, *SQLITE]:
            schema_editor.execute(drop, params=None)  # whichever set is there goes first
        if index == 0:
            for create, _drop in SQLITE:
                schema_editor.execute(create, params=None)

    return run


def _postgresql(text):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in _statements(text):
                schema_editor.execute(statement, params=None)

    return run


def _sqlite_back_to_0006(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _run(1)(apps, schema_editor)
        _0006._run(0)(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0009_comment_threshold_log"),
    ]

    operations = [
        migrations.CreateModel(
            name="AnswerLoad",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("started_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RunPython(_postgresql(POSTGRESQL_UP), _postgresql(POSTGRESQL_DOWN)),
        migrations.RunPython(_run(0), _sqlite_back_to_0006),
    ]
