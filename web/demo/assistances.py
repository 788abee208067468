"""The demo's assistances: each partner's by its mix (PARTNER_MIX), IOM's return and
reintegration support, recorded in one batch."""

from __future__ import annotations

from decimal import Decimal

from assistance.choices import SUBTYPES, Category, Outcome, Status
from assistance.models import Assistance
from assistance.services import assistance_record_many
from beneficiaries.models import Beneficiary
from partners.models import Organisation
from web.demo.reference import HOST_COUNTRIES, PARTNER_MIX, PEOPLE_SHARES
from web.demo.world import Demo


def record_assistances(demo: Demo, assistances: int) -> None:
    """About `assistances` rows: most by the partners, in their share of the people; IOM's
    AVRR and reintegration support; then more partner rows up to the count."""
    rows: list[Assistance] = []
    partner_budget = int(assistances * 0.85)
    partner_weights = {slug: PEOPLE_SHARES[slug] for slug in PARTNER_MIX}
    total_weight = sum(partner_weights.values())
    for slug, weight in partner_weights.items():
        org = demo.orgs[slug]
        project = demo.projects["EU-MHPSS"] if slug == "nour-tanger" else demo.projects["JPN-PROT"]
        mix = PARTNER_MIX[slug]
        for _ in range(int(partner_budget * weight / total_weight)):
            person = demo.rng.choice(demo.people[slug])
            category = demo.rng.choices(list(mix), list(mix.values()))[0]
            rows.append(assistance(demo, person, org, project, category))
    iom = demo.orgs["iom-maroc"]
    for person in demo.avrr_people:
        if person.is_migrant:
            for _ in range(demo.rng.randint(1, 3)):
                rows.append(assistance(demo, person, iom, demo.projects["EU-AVRR"], Category.AVRR))
            continue
        # Moroccans returning home from a host country, then helped to reintegrate.
        returned = assistance(demo, person, iom, demo.projects["EU-AVRR"], Category.AVRR)
        returned.subtype = "return_to_morocco"
        returned.country = demo.rng.choice(HOST_COUNTRIES)
        rows.append(returned)
        for _ in range(demo.rng.randint(1, 3)):
            rows.append(
                assistance(demo, person, iom, demo.projects["EU-AVRR"], Category.REINTEGRATION)
            )
    while len(rows) < assistances - 300:
        slug = demo.rng.choice(list(PARTNER_MIX))
        person = demo.rng.choice(demo.people[slug])
        mix = PARTNER_MIX[slug]
        project = demo.projects["EU-MHPSS"] if slug == "nour-tanger" else demo.projects["JPN-PROT"]
        rows.append(
            assistance(
                demo,
                person,
                demo.orgs[slug],
                project,
                demo.rng.choices(list(mix), list(mix.values()))[0],
            )
        )
    assistance_record_many(acting_user=demo.officer, assistances=rows)


def assistance(
    demo: Demo, person: Beneficiary, org: Organisation, project, category: str
) -> Assistance:
    """One assistance to `person` by `org` (unsaved): a type of the category, a day since the
    person's registration, mostly delivered."""
    rng = demo.rng
    subtypes = SUBTYPES[category]
    if category == Category.AVRR:
        subtypes = ("counselling", "pre_departure", "medical_check", "return_from_morocco")
    subtype = rng.choice(subtypes)
    delivered_on = demo.random_day(max(person.registered_on, project.start))
    status = rng.choices([Status.DELIVERED, Status.PLANNED, Status.CANCELLED], [95, 3, 2])[0]
    outcome = ""
    if subtype == "referral_public_health":
        outcome = rng.choices(list(Outcome.values), [15, 65, 10, 10])[0]
        if status == Status.PLANNED:
            outcome = Outcome.PENDING
    country = ""
    if subtype == "return_from_morocco":
        country = person.nationality or "GN"
    value = {
        Category.FOOD: 300,
        Category.NON_FOOD: 250,
        Category.EMERGENCY_HOUSING: 1200,
        Category.REINTEGRATION: 8000,
    }.get(category)
    return Assistance(
        beneficiary_id=person.pk,
        category=category,
        subtype=subtype,
        delivered_on=delivered_on,
        status=status,
        provider=org,
        project=project,
        city=person.city,
        country=country,
        outcome=outcome,
        value_mad=Decimal(value) if value else None,
    )
