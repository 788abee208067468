import factory

from reporting.models import Indicator
from results.models import ExpectedResult, Target
from tests.partners.factories import ProjectFactory


def indicator(code: str) -> Indicator:
    """The catalogue is seeded by a migration; tests use its real indicators."""
    return Indicator.objects.get(code=code)


class ExpectedResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpectedResult

    project = factory.SubFactory(ProjectFactory)
    ordering = factory.Sequence(lambda n: n + 1)
    statement_fr = factory.Sequence(
        lambda n: f"Ces bénéficiaires auront accès à une assistance médicale ({n})"
    )


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    result = factory.SubFactory(ExpectedResultFactory)
    indicator = factory.LazyFunction(lambda: indicator("beneficiaries_reached"))
    baseline = 0
    target_total = 100
