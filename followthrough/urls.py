from django.urls import path

from . import deliverables, views

app_name = "followthrough"

urlpatterns = [
    path("campaigns/<int:pk>/", views.campaign_followthrough, name="campaign"),
    path("campaigns/<int:pk>/commitments/", views.commitments_edit, name="commitments_edit"),
    path("campaigns/<int:pk>/actions/", views.actions_create, name="actions_create"),
    path("campaigns/<int:pk>/actions/new/", views.action_add, name="action_add"),
    path("actions/<int:pk>/", views.action_edit, name="action_edit"),
    path("campaigns/<int:pk>/data-pack.xlsx", deliverables.data_pack, name="data_pack"),
    path("campaigns/<int:pk>/deck.pptx", deliverables.deck, name="deck"),
    path("campaigns/<int:pk>/facilitator-kit.pdf", deliverables.facilitator_kit, name="facilitator_kit"),
]
