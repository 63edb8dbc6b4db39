from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from assessment.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERNAME, demo_organisation_create, demo_users_ensure
from assessment.models import Campaign, Organisation
from assessment.selectors import framework_latest
from assessment.services import invitation_create


class Command(BaseCommand):
    help = "Create the demo organisation with synthetic responses, and print a fresh respondent link."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="same seed, same answers")
        parser.add_argument("--framework", default="innovation-readiness", help="framework key (latest version)")
        parser.add_argument("--reset", action="store_true", help="delete the demo organisation first")
        parser.add_argument("--no-link", action="store_true", help="do not create a respondent link")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (a production database)")

    def handle(self, *args, seed, framework, reset, no_link, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DJANGO_DEBUG is off, so this looks like a production database: seed_demo would add synthetic "
                "answers and logins with a published password. Use --force if this really is a demo server."
            )
        framework_obj = framework_latest(key=framework)
        if framework_obj is None:
            raise CommandError(f"No framework {framework!r} is loaded; run load_framework first.")
        existing = Organisation.objects.filter(slug=DEMO_SLUG).first()
        if existing and reset:
            existing.delete()
            existing = None
        if existing:
            self.stdout.write("Demo organisation already present (use --reset to recreate it).")
            campaign = Campaign.objects.filter(organisation=existing).order_by("-opens_at").first()
        else:
            campaign = demo_organisation_create(framework=framework_obj, seed=seed)
            count = campaign.responses.filter(submitted_at__isnull=False).count()
            self.stdout.write(self.style.SUCCESS(f"Created {campaign} with {count} submitted responses (seed {seed})."))
        demo_users_ensure(organisation=campaign.organisation)
        self.stdout.write(
            f"Demo login:  {settings.SITE_URL}{reverse('login')}  user 'consultant' (or 'hr', 'executive'), "
            f"password {DEMO_PASSWORD!r}; admin at {settings.SITE_URL}{reverse('admin:index')} as {DEMO_USERNAME!r}"
        )
        if not no_link:
            _invitation, token = invitation_create(campaign=campaign)
            self.stdout.write(f"Demo respondent link:  {settings.SITE_URL}{reverse('respondent:start', args=[token])}")
