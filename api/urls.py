from django.urls import path, re_path

from . import token_views, views

app_name = "api"

urlpatterns = [
    path("v1/schema/", views.Schema.as_view(), name="schema"),
    path("v1/campaigns/", views.CampaignList.as_view(), name="campaigns"),
    path("v1/campaigns/<int:pk>/", views.CampaignDetail.as_view(), name="campaign"),
    path("v1/campaigns/<int:pk>/scores/", views.CampaignScores.as_view(), name="scores"),
    path("v1/campaigns/<int:pk>/groups/", views.CampaignGroups.as_view(), name="groups"),
    path("v1/campaigns/<int:pk>/gaps/", views.CampaignGaps.as_view(), name="gaps"),
    path("v1/campaigns/<int:pk>/recommendations/", views.CampaignRecommendations.as_view(), name="recommendations"),
    path("v1/campaigns/<int:pk>/actions/", views.CampaignActions.as_view(), name="actions"),
    path("v1/campaigns/<int:pk>/benchmark/", views.CampaignBenchmark.as_view(), name="benchmark"),
    # the staff console's page to create and revoke one's own tokens
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    re_path(r"^(?P<path>.*)$", views.not_found),  # last: unknown API addresses get a JSON 404
]
