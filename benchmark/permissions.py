"""Who sees the benchmark: the consultants of the campaign's organisation (and superusers)."""

from assessment.permissions import campaign_get_for_user, user_may


def benchmark_visible(*, user, campaign):
    return user_may(user, campaign.organisation_id, "administer")


def campaign_get_for_benchmark(*, user, pk):
    return campaign_get_for_user(user=user, pk=pk, action="administer")
