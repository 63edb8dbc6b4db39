from django.db import transaction
from django.utils import timezone


@transaction.atomic
def organisation_benchmark_profile_update(*, organisation, industry, size_band, consent):
    """Set the benchmark profile; the consent date is when consent was (last) given."""
    organisation.industry = industry
    organisation.size_band = size_band
    if consent and not organisation.benchmark_consent:
        organisation.benchmark_consent_at = timezone.now()
    elif not consent:
        organisation.benchmark_consent_at = None
    organisation.benchmark_consent = consent
    organisation.save(update_fields=["industry", "size_band", "benchmark_consent", "benchmark_consent_at"])
    return organisation
