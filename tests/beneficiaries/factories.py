import datetime

import factory

from beneficiaries.choices import Sex
from beneficiaries.models import Beneficiary
from tests.partners.factories import OrganisationFactory


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    organisation = factory.SubFactory(OrganisationFactory)
    beneficiary_ref = factory.Sequence(lambda n: f"REF-{n:05d}")
    first_name = factory.Iterator(["Fatoumata", "Mamadou", "Aminata", "Ibrahima"])
    last_name = factory.Iterator(["Diallo", "Traoré", "Koné", "Camara"])
    sex = Sex.FEMALE
    date_of_birth = datetime.date(1995, 5, 17)
    registered_on = datetime.date(2023, 1, 15)
    consent = True
