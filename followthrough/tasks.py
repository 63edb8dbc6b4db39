"""Background work: the daily reminder run (queue it from cron with `manage.py action_reminders --enqueue`)."""

from django_tasks import task

from .services import action_reminders_send


@task()
def action_reminders_run():
    return action_reminders_send()
