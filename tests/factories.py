from datetime import timedelta

import factory
from django.utils import timezone

from assessment.models import Campaign, Department, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"org-{n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_ja = factory.Sequence(lambda n: f"組織{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    key = factory.Sequence(lambda n: f"dept-{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")
    name_ja = factory.Sequence(lambda n: f"部署{n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
