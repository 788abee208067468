import datetime

import factory

from assistance.models import Assistance
from tests.beneficiaries.factories import BeneficiaryFactory


class AssistanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assistance

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    provider = factory.LazyAttribute(lambda o: o.beneficiary.organisation)
    category = "medical"
    subtype = "consultation"
    delivered_on = datetime.date(2023, 6, 1)
