"""Rules that must hold whatever writes to the database (admin, shell, scripts, a bug), enforced
by triggers: PostgreSQL functions raising check_violation (23514), SQLite RAISE(ABORT) — both
reach Django as IntegrityError.

- an answer's statement belongs to the framework version of its response's campaign;
- a submitted response's answers cannot be changed, and a submission cannot be undone;
- a response's campaign is its invitation's campaign;
- a response's department belongs to the campaign's organisation;
- a campaign's framework changes only while it has no responses.

Not covered: inserting a further answer into a submitted response (bulk loaders create a
submitted response and then its answers); the application refuses it under the response's lock.
"""

from django.db import migrations

POSTGRESQL = [
    (
        """
CREATE OR REPLACE FUNCTION assessment_answer_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT framework_id FROM assessment_item WHERE id = NEW.item_id) IS DISTINCT FROM
       (SELECT c.framework_id FROM assessment_response r JOIN assessment_campaign c ON c.id = r.campaign_id
        WHERE r.id = NEW.response_id) THEN
        RAISE EXCEPTION 'answer_item_framework: statement % is not in the framework of response %''s campaign',
            NEW.item_id, NEW.response_id USING ERRCODE = '23514';
    END IF;
    IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM assessment_response
                                   WHERE id IN (OLD.response_id, NEW.response_id) AND submitted_at IS NOT NULL) THEN
        RAISE EXCEPTION 'answer_submitted_final: response % is submitted; its answers cannot change', OLD.response_id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$
-- next
CREATE TRIGGER assessment_answer_check BEFORE INSERT OR UPDATE ON assessment_answer
    FOR EACH ROW EXECUTE FUNCTION assessment_answer_check()
-- next

CREATE OR REPLACE FUNCTION assessment_response_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.campaign_id IS DISTINCT FROM (SELECT campaign_id FROM assessment_invitation WHERE id = NEW.invitation_id) THEN
        RAISE EXCEPTION 'response_campaign_invitation: response % belongs to another campaign than its invitation',
            NEW.id USING ERRCODE = '23514';
    END IF;
    IF NEW.department_id IS NOT NULL AND
       (SELECT organisation_id FROM assessment_department WHERE id = NEW.department_id) IS DISTINCT FROM
       (SELECT organisation_id FROM assessment_campaign WHERE id = NEW.campaign_id) THEN
        RAISE EXCEPTION 'response_department_organisation: department % is not of the campaign''s organisation',
            NEW.department_id USING ERRCODE = '23514';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.submitted_at IS NOT NULL AND NEW.submitted_at IS NULL THEN
        RAISE EXCEPTION 'response_submission_final: response % was submitted; that cannot be undone', OLD.id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$
-- next
CREATE TRIGGER assessment_response_check BEFORE INSERT OR UPDATE ON assessment_response
    FOR EACH ROW EXECUTE FUNCTION assessment_response_check()
-- next

CREATE OR REPLACE FUNCTION assessment_invitation_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM assessment_response WHERE invitation_id = NEW.id AND campaign_id <> NEW.campaign_id) THEN
        RAISE EXCEPTION 'response_campaign_invitation: invitation % has a response in its campaign', NEW.id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$
-- next
CREATE TRIGGER assessment_invitation_check BEFORE UPDATE OF campaign_id ON assessment_invitation
    FOR EACH ROW EXECUTE FUNCTION assessment_invitation_check()
-- next

CREATE OR REPLACE FUNCTION assessment_campaign_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.framework_id IS DISTINCT FROM OLD.framework_id
       AND EXISTS (SELECT 1 FROM assessment_response WHERE campaign_id = NEW.id) THEN
        RAISE EXCEPTION 'campaign_framework_fixed: campaign % has responses; its framework cannot change', NEW.id
            USING ERRCODE = '23514';
    END IF;
    IF NEW.organisation_id IS DISTINCT FROM OLD.organisation_id
       AND EXISTS (SELECT 1 FROM assessment_response WHERE campaign_id = NEW.id) THEN
        RAISE EXCEPTION 'response_department_organisation: campaign % has responses; its organisation cannot change',
            NEW.id USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$
-- next
CREATE TRIGGER assessment_campaign_check BEFORE UPDATE ON assessment_campaign
    FOR EACH ROW EXECUTE FUNCTION assessment_campaign_check()
-- next
""",
        """
DROP TRIGGER IF EXISTS assessment_answer_check ON assessment_answer
-- next
DROP TRIGGER IF EXISTS assessment_response_check ON assessment_response
-- next
DROP TRIGGER IF EXISTS assessment_invitation_check ON assessment_invitation
-- next
DROP TRIGGER IF EXISTS assessment_campaign_check ON assessment_campaign
-- next
DROP FUNCTION IF EXISTS assessment_answer_check(), assessment_response_check(), assessment_invitation_check(),
    assessment_campaign_check();
""",
    ),
]

_ANSWER_FRAMEWORK = """
    (SELECT framework_id FROM assessment_item WHERE id = NEW.item_id) IS NOT
    (SELECT c.framework_id FROM assessment_response r JOIN assessment_campaign c ON c.id = r.campaign_id
     WHERE r.id = NEW.response_id)"""
_RESPONSE_CAMPAIGN = (
    "NEW.campaign_id IS NOT (SELECT campaign_id FROM assessment_invitation WHERE id = NEW.invitation_id)"
)
_RESPONSE_DEPARTMENT = """NEW.department_id IS NOT NULL AND
    (SELECT organisation_id FROM assessment_department WHERE id = NEW.department_id) IS NOT
    (SELECT organisation_id FROM assessment_campaign WHERE id = NEW.campaign_id)"""

SQLITE = [
    (
        f"""CREATE TRIGGER assessment_answer_framework_insert BEFORE INSERT ON assessment_answer WHEN {_ANSWER_FRAMEWORK}
BEGIN SELECT RAISE(ABORT, 'answer_item_framework: statement not in the framework of the response''s campaign'); END""",
        "DROP TRIGGER IF EXISTS assessment_answer_framework_insert",
    ),
    (
        f"""CREATE TRIGGER assessment_answer_framework_update BEFORE UPDATE ON assessment_answer WHEN {_ANSWER_FRAMEWORK}
BEGIN SELECT RAISE(ABORT, 'answer_item_framework: statement not in the framework of the response''s campaign'); END""",
        "DROP TRIGGER IF EXISTS assessment_answer_framework_update",
    ),
    (
        """CREATE TRIGGER assessment_answer_submitted_final BEFORE UPDATE ON assessment_answer
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
        f"""CREATE TRIGGER assessment_response_update BEFORE UPDATE ON assessment_response
WHEN ({_RESPONSE_CAMPAIGN}) OR ({_RESPONSE_DEPARTMENT})
BEGIN SELECT RAISE(ABORT, 'response_campaign_invitation or response_department_organisation violated'); END""",
        "DROP TRIGGER IF EXISTS assessment_response_update",
    ),
    (
        """CREATE TRIGGER assessment_response_submission_final BEFORE UPDATE OF submitted_at ON assessment_response
WHEN OLD.submitted_at IS NOT NULL AND NEW.submitted_at IS NULL
BEGIN SELECT RAISE(ABORT, 'response_submission_final: a submission cannot be undone'); END""",
        "DROP TRIGGER IF EXISTS assessment_response_submission_final",
    ),
    (
        """CREATE TRIGGER assessment_invitation_campaign BEFORE UPDATE OF campaign_id ON assessment_invitation
WHEN EXISTS (SELECT 1 FROM assessment_response WHERE invitation_id = NEW.id AND campaign_id <> NEW.campaign_id)
BEGIN SELECT RAISE(ABORT, 'response_campaign_invitation: the invitation has a response in its campaign'); END""",
        "DROP TRIGGER IF EXISTS assessment_invitation_campaign",
    ),
    (
        """CREATE TRIGGER assessment_campaign_fixed BEFORE UPDATE OF framework_id, organisation_id ON assessment_campaign
WHEN (NEW.framework_id IS NOT OLD.framework_id OR NEW.organisation_id IS NOT OLD.organisation_id)
     AND EXISTS (SELECT 1 FROM assessment_response WHERE campaign_id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'campaign_framework_fixed: the campaign has responses'); END""",
        "DROP TRIGGER IF EXISTS assessment_campaign_fixed",
    ),
]


def _run(index):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, [])
        for pair in statements:
            # one statement per call: the driver refuses several in one prepared statement
            for statement in filter(str.strip, pair[index].split("\n-- next\n")):
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("assessment", "0005_edit_versions")]

    operations = [migrations.RunPython(_run(0), _run(1))]
