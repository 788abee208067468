"""The demo's people: registered by each organisation, with ages, nationalities and
vulnerabilities in realistic proportions."""

from __future__ import annotations

import datetime

from beneficiaries.choices import LegalStatus, Sex, Vulnerability
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_register_many
from partners.models import Organisation
from web.demo.reference import FIRST_F, FIRST_M, LAST, NATIONALITIES, PEOPLE_SHARES
from web.demo.world import Demo


def register_people(demo: Demo, people: int) -> None:
    """About `people` people, shared between the organisations (PEOPLE_SHARES); some of those
    of Emploi Solidaire and IOM are Moroccans."""
    index = 0
    for slug, share in PEOPLE_SHARES.items():
        batch = []
        for _ in range(int(people * share)):
            index += 1
            national = slug == "emploi-solidaire" and demo.rng.random() < 0.3
            national = national or (slug == "iom-maroc" and demo.rng.random() < 0.3)
            batch.append(person(demo, demo.orgs[slug], index, national=national))
        demo.people[slug] = beneficiary_register_many(acting_user=demo.officer, beneficiaries=batch)


def person(demo: Demo, organisation: Organisation, index: int, *, national=False) -> Beneficiary:
    """One person registered by `organisation` (unsaved)."""
    rng = demo.rng
    sex = rng.choices([Sex.FEMALE, Sex.MALE, Sex.UNKNOWN], [46, 52, 2])[0]
    first = rng.choice(FIRST_F if sex == Sex.FEMALE else FIRST_M)
    registered = demo.random_day(demo.start)
    # Ages: a quarter minors, a few infants and elderly people.
    age = rng.choices(
        [
            rng.randint(0, 4),
            rng.randint(5, 17),
            rng.randint(18, 35),
            rng.randint(36, 59),
            rng.randint(60, 75),
        ],
        [5, 20, 50, 20, 5],
    )[0]
    date_of_birth = birth_year = None
    known = rng.random()
    if known < 0.75:
        date_of_birth = registered - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
    elif known < 0.95:
        birth_year = registered.year - age
    vulnerabilities = []
    if age < 18 and rng.random() < 0.3:
        vulnerabilities.append(Vulnerability.UASC)
    if rng.random() < 0.15:
        vulnerabilities.append(
            rng.choice(
                [
                    Vulnerability.GBV,
                    Vulnerability.TRAFFICKING,
                    Vulnerability.MEDICAL_NEEDS,
                    Vulnerability.MENTAL_HEALTH,
                    Vulnerability.DISABILITY,
                ]
            )
        )
    if sex == Sex.FEMALE and 18 <= age <= 40 and rng.random() < 0.1:
        vulnerabilities.append(Vulnerability.PREGNANT)
    nationality = (
        "MA" if national else rng.choices(list(NATIONALITIES), list(NATIONALITIES.values()))[0]
    )
    return Beneficiary(
        organisation=organisation,
        beneficiary_ref=f"{organisation.slug[:4].upper()}-{registered.year}-{index:05d}",
        first_name=first,
        last_name=rng.choice(LAST),
        sex=sex,
        date_of_birth=date_of_birth,
        birth_year=birth_year,
        nationality=nationality if rng.random() > 0.03 else "",
        city=organisation.city,
        is_migrant=not national,
        legal_status=LegalStatus.NATIONAL
        if national
        else rng.choice(
            [
                LegalStatus.IRREGULAR,
                LegalStatus.IRREGULAR,
                LegalStatus.REGULAR,
                LegalStatus.ASYLUM_SEEKER,
                LegalStatus.REFUGEE,
                LegalStatus.UNKNOWN,
            ]
        ),
        registered_on=registered,
        consent=True,
        consent_on=registered,
        vulnerabilities=sorted(set(vulnerabilities)),
    )
