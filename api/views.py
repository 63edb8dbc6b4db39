"""The read-only API. Every figure comes from `campaign_results`, the function the reports use."""

import re
from collections.abc import Mapping

from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import ParseError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from assessment.models import Campaign
from benchmark.selectors import benchmark_for_campaign
from followthrough.selectors import action_is_overdue, actions_for_campaign

from . import results
from . import serializers as out
from .pagination import Pagination
from .permissions import campaign_get_for_token, department_key_for_request
from .selectors import campaign_status

ERRORS = {400: out.Error, 401: out.Error, 403: out.Error, 404: out.Error, 429: out.Error}
PAGES = {"page": Pagination.page_bounds, "page_size": Pagination.page_size_bounds}
DEPARTMENT = OpenApiParameter(
    "department", str, description="A department key: that department's report instead of the organisation's."
)


@extend_schema(exclude=True)
class Schema(SpectacularAPIView):
    """The OpenAPI document (public: it describes the API, it holds no data)."""


def campaign_data(campaign):
    framework = campaign.framework
    organisation = campaign.organisation
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "organisation": {
            "id": organisation.pk,
            "slug": organisation.slug,
            "name": {"en": organisation.name_en, "ja": organisation.name_ja},
        },
        "framework": {"key": framework.key, "version": framework.version},
        "opens_at": campaign.opens_at,
        "closes_at": campaign.closes_at,
        "status": campaign_status(campaign),
        "anonymity_threshold": campaign.anonymity_threshold,
    }


def _within(text, low, high):
    return bool(re.fullmatch(r"[0-9]{1,9}", text)) and low <= int(text) <= high


class ApiView(GenericAPIView):
    required_scope: str | None = None
    campaign_action = "view"
    query_parameters: Mapping[
        str, object
    ] = {}  # name -> str, or (min, max) for a whole number; anything else is refused with 400

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, scopes and rate limit first
        for name in request.query_params:
            values = request.query_params.getlist(name)
            if name not in self.query_parameters:
                raise ParseError(_("Unknown query parameter: %(name)s") % {"name": name})
            if len(values) > 1:
                raise ParseError(_("Give the query parameter %(name)s once.") % {"name": name})
            bounds = self.query_parameters[name]
            if bounds is not str and not _within(values[0], *bounds):
                raise ParseError(
                    _("The query parameter %(name)s must be a whole number from %(low)s to %(high)s.")
                    % {"name": name, "low": bounds[0], "high": bounds[1]}
                )

    def campaign(self):
        return campaign_get_for_token(token=self.request.auth, pk=self.kwargs["pk"], action=self.campaign_action)

    def result(self, campaign, department=True):
        from assessment.analysis import campaign_results  # pandas: imported where used (cold start)

        key = department_key_for_request(campaign=campaign, request=self.request) if department else None
        return campaign_results(campaign=campaign, department=key)


@extend_schema(tags=["campaigns"], responses={200: out.Campaign(many=True), **ERRORS})
class CampaignList(ApiView):
    """Campaigns of the token's organisation, newest first."""

    required_scope = "campaigns:read"
    serializer_class = out.Campaign
    query_parameters = PAGES

    def get_queryset(self):
        membership = self.request.auth.membership
        return (
            Campaign.objects.select_related("organisation", "framework")
            .filter(organisation_id=membership.organisation_id)
            .order_by("-opens_at", "-pk")
        )

    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(out.Campaign([campaign_data(c) for c in page], many=True).data)


@extend_schema(tags=["campaigns"], responses={200: out.Campaign, **ERRORS})
class CampaignDetail(ApiView):
    required_scope = "campaigns:read"
    serializer_class = out.Campaign

    def get(self, request, pk):
        return Response(out.Campaign(campaign_data(self.campaign())).data)


@extend_schema(tags=["results"], parameters=[DEPARTMENT], responses={200: out.Scores, **ERRORS})
class CampaignScores(ApiView):
    """Overall index and dimension scores with levels, spread and favourable share, as released."""

    required_scope = "results:read"
    serializer_class = out.Scores

    query_parameters = {"department": str}

    def get(self, request, pk):
        campaign = self.campaign()
        return Response(out.Scores(results.scores(self.result(campaign), campaign)).data)


@extend_schema(tags=["results"], parameters=[DEPARTMENT], responses={200: out.Groups, **ERRORS})
class CampaignGroups(ApiView):
    """Results by role group and by department, small groups merged exactly as in the report."""

    required_scope = "results:read"
    serializer_class = out.Groups

    query_parameters = {"department": str}

    def get(self, request, pk):
        campaign = self.campaign()
        data = results.groups(self.result(campaign), campaign, results.role_names(campaign.framework))
        return Response(out.Groups(data).data)


@extend_schema(tags=["results"], parameters=[DEPARTMENT], responses={200: out.Gaps, **ERRORS})
class CampaignGaps(ApiView):
    """Perception gaps (executives minus everyone else): exact only where the report gives them."""

    required_scope = "results:read"
    serializer_class = out.Gaps

    query_parameters = {"department": str}

    def get(self, request, pk):
        campaign = self.campaign()
        return Response(out.Gaps(results.gaps(self.result(campaign), campaign)).data)


@extend_schema(tags=["results"], parameters=[DEPARTMENT], responses={200: out.Recommendation(many=True), **ERRORS})
class CampaignRecommendations(ApiView):
    """The report's recommendations, most important first, each with why it was chosen."""

    required_scope = "recommendations:read"
    serializer_class = out.Recommendation

    query_parameters = {**PAGES, "department": str}

    def get(self, request, pk):
        campaign = self.campaign()
        page = self.paginate_queryset(results.recommendations(self.result(campaign)))
        return self.get_paginated_response(out.Recommendation(page, many=True).data)


@extend_schema(tags=["follow-through"], responses={200: out.Action(many=True), **ERRORS})
class CampaignActions(ApiView):
    """Follow-through actions agreed after the campaign (owner e-mail addresses and notes stay in the console)."""

    required_scope = "actions:read"
    serializer_class = out.Action

    query_parameters = PAGES

    def get(self, request, pk):
        campaign = self.campaign()
        page = self.paginate_queryset(actions_for_campaign(campaign=campaign))
        rows = [
            {
                "id": a.pk,
                "dimension": a.dimension,
                "recommendation": a.recommendation,
                "title": {"en": a.title_en, "ja": a.title_ja},
                "owner_role": a.owner_role,
                "owner_name": a.owner_name,
                "due_date": a.due_date,
                "status": a.status,
                "overdue": action_is_overdue(a),
                "created_at": a.created_at,
                "updated_at": a.updated_at,
            }
            for a in page
        ]
        return self.get_paginated_response(out.Action(rows, many=True).data)


@extend_schema(tags=["benchmark"], responses={200: out.Benchmark, **ERRORS})
class CampaignBenchmark(ApiView):
    """Percentiles among other consenting organisations (consultants' tokens only)."""

    required_scope = "benchmark:read"
    campaign_action = "administer"
    serializer_class = out.Benchmark

    def get(self, request, pk):
        campaign = self.campaign()
        data = benchmark_for_campaign(campaign=campaign, result=self.result(campaign, department=False))
        return Response(out.Benchmark(results.benchmark(data, campaign)).data)


def not_found(request, path=""):
    """Any other address under /api/ answers in JSON too (a client parses every reply the same way)."""
    return JsonResponse({"detail": _("No such API endpoint.")}, status=404)
