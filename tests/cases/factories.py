"""Factories of case work, built through the services (cases.services) as a user would."""

import factory

from cases.choices import RiskLevel
from cases.models import Case
from cases.services import case_open
from tests.beneficiaries.factories import BeneficiaryFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case, opened by `acting_user` (by default its holder, `assigned_to`) through
    cases.services.case_open: `CaseFactory(beneficiary=…, organisation=…, assigned_to=alice)`."""

    class Meta:
        model = Case

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    organisation = factory.LazyAttribute(lambda o: o.beneficiary.organisation)
    assigned_to = None
    acting_user = factory.LazyAttribute(lambda o: o.assigned_to)
    risk_level = RiskLevel.LOW
    opened_on = None

    @classmethod
    def _create(cls, model_class, *, acting_user, **kwargs):
        if acting_user is None:
            raise TypeError("CaseFactory needs an acting_user or an assigned_to")
        return case_open(acting_user=acting_user, **kwargs)
