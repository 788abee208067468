"""List endpoints run a bounded number of queries whatever the page size."""

import datetime

from assistance.models import Assistance, Referral, ReturnCase
from beneficiaries.models import Beneficiary
from capacity.models import CapacityEvent, EventParticipant
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import OrganisationFactory, ProjectFactory, city

LISTS = [
    "/api/v1/beneficiaries/",
    "/api/v1/assistances/",
    "/api/v1/referrals/",
    "/api/v1/return-cases/",
    "/api/v1/organisations/",
    "/api/v1/projects/",
    "/api/v1/capacity-events/",
]
ROWS = 55


def _many(partner_a, partner_b, donor, project):
    """55 rows of every listed kind, with every related field filled (test data, bulk)."""
    oujda = city("oujda")
    people = Beneficiary.objects.bulk_create(
        BeneficiaryFactory.build(organisation=partner_a, city=oujda, beneficiary_ref=f"Q-{n}")
        for n in range(ROWS)
    )
    day = datetime.date(2023, 6, 1)
    Assistance.objects.bulk_create(
        Assistance(
            beneficiary=p,
            provider=partner_a,
            project=project,
            city=oujda,
            category="medical",
            subtype="consultation",
            delivered_on=day,
        )
        for p in people
    )
    Referral.objects.bulk_create(
        Referral(
            beneficiary=p,
            from_organisation=partner_a,
            to_organisation=partner_b,
            project=project,
            category="medical",
            consent=True,
            referred_on=day,
        )
        for p in people
    )
    ReturnCase.objects.bulk_create(
        ReturnCase(beneficiary=p, organisation=partner_a, project=project, country="SN")
        for p in people
    )
    events = CapacityEvent.objects.bulk_create(
        CapacityEvent(
            organisation=partner_a,
            project=project,
            city=oujda,
            kind="training",
            title=f"Formation {n}",
            start=day,
            government_f=2,
        )
        for n in range(ROWS)
    )
    EventParticipant.objects.bulk_create(
        EventParticipant(event=event, name="Dr X", sex="F", institution="government")
        for event in events
    )
    for n in range(ROWS):
        organisation = OrganisationFactory(slug=f"extra-{n}", city=oujda)
        ProjectFactory(code=f"EXTRA-{n}", donor=donor, partners=[partner_a, organisation])


def test_list_queries_do_not_grow_with_the_page(
    partner_a, partner_b, donor, project, officer, client_for, django_assert_max_num_queries
):
    _many(partner_a, partner_b, donor, project)
    client = client_for(officer)  # the officer sees every row, so every page is full
    for url in LISTS:
        for page_size in (5, 50):
            with django_assert_max_num_queries(5):
                response = client.get(url, {"page_size": page_size})
            assert response.status_code == 200, url
            assert len(response.json()["results"]) == page_size, url


def test_a_persons_assistances_are_bounded_too(
    partner_a, officer, client_for, django_assert_max_num_queries
):
    person = BeneficiaryFactory(organisation=partner_a)
    Assistance.objects.bulk_create(
        Assistance(
            beneficiary=person,
            provider=partner_a,
            category="food",
            subtype="meal",
            delivered_on=datetime.date(2023, 6, 1),
        )
        for _ in range(ROWS)
    )
    client = client_for(officer)
    for page_size in (5, 50):
        with django_assert_max_num_queries(5):
            response = client.get(
                f"/api/v1/beneficiaries/{person.pk}/assistances/", {"page_size": page_size}
            )
        assert len(response.json()["results"]) == page_size


def test_page_size_is_capped_at_200(partner_a, officer, client_for):
    Beneficiary.objects.bulk_create(
        BeneficiaryFactory.build(organisation=partner_a, beneficiary_ref=f"C-{n}")
        for n in range(210)
    )
    response = client_for(officer).get("/api/v1/beneficiaries/", {"page_size": 10_000})
    assert response.json()["count"] == 210
    assert len(response.json()["results"]) == 200
