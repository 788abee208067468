"""Load realistic demo data: IOM, four partner NGOs, two donors, three projects, about 2,000
people and 10,000 assistances over the last two years, and one demo user per role.

Runs once: a second run does nothing unless --reset is given (which only works on a database
that holds demo data alone).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assistance.choices import SUBTYPES, Category, DeclineReason, Outcome, Status
from assistance.models import Assistance
from assistance.referrals.services import referral_create, referral_record_outcome, referral_respond
from assistance.returns.services import return_case_advance, return_case_open
from assistance.services import assistance_record_many
from beneficiaries.choices import LegalStatus, Sex, Vulnerability
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_register_many
from bilans.services import bilan_generate, bilan_publish, bilan_request, previous_quarter
from partners.access import SYSTEM
from partners.models import DEFAULT_SMALL_CELL_THRESHOLD, City, Organisation
from partners.services import organisation_upsert, project_upsert, user_upsert

DEMO_PASSWORD = "demo-iom-2026"  # noqa: S105 (demo accounts, printed by make run)

ORGANISATIONS = [
    # slug, name, kind, city
    ("iom-maroc", "OIM Maroc", "iom", "rabat"),
    ("smso-oujda", "Solidarité Médico-Sociale de l'Oriental", "partner", "oujda"),
    ("inclusion-casa", "Inclusion et Droits Casablanca", "partner", "casablanca"),
    ("emploi-solidaire", "Emploi Solidaire Maroc", "partner", "rabat"),
    ("nour-tanger", "Association Nour — santé mentale", "partner", "tanger"),
    ("ambassade-japon", "Ambassade du Japon au Maroc", "donor", "rabat"),
    ("union-europeenne", "Union européenne", "donor", "rabat"),
]

USERS = [
    # username, organisation, role
    ("caseworker", "smso-oujda", "caseworker"),
    ("caseworker.casa", "inclusion-casa", "caseworker"),
    ("manager", "smso-oujda", "partner_manager"),
    ("officer", "iom-maroc", "iom_officer"),
    ("donor", "ambassade-japon", "donor"),
]

# What each partner delivers, with relative weights.
PARTNER_MIX = {
    "smso-oujda": {
        "medical": 30,
        "psychosocial": 12,
        "food": 18,
        "non_food": 15,
        "emergency_housing": 8,
        "awareness": 10,
        "protection": 7,
    },
    "inclusion-casa": {
        "medical": 20,
        "psychosocial": 12,
        "food": 15,
        "non_food": 15,
        "legal": 15,
        "protection": 13,
        "emergency_housing": 10,
    },
    "emploi-solidaire": {"employability": 60, "entrepreneurship": 30, "education": 10},
    "nour-tanger": {"psychosocial": 80, "awareness": 20},
}

FIRST_F = [
    "Fatoumata",
    "Aminata",
    "Mariama",
    "Awa",
    "Aïssatou",
    "Kadiatou",
    "Grace",
    "Blessing",
    "Esther",
    "Fatima",
    "Khadija",
    "Salma",
    "Nadia",
    "Mariam",
    "Hawa",
    "Rokia",
    "Djeneba",
    "Ramatoulaye",
    "Christelle",
    "Josiane",
    "Amina",
    "Zineb",
    "Houda",
    "Joy",
]
FIRST_M = [
    "Mamadou",
    "Ibrahima",
    "Moussa",
    "Ousmane",
    "Abdoulaye",
    "Sekou",
    "Lamine",
    "Cheikh",
    "Mohamed",
    "Youssef",
    "Omar",
    "Karim",
    "Samuel",
    "Emmanuel",
    "Jean",
    "Patrick",
    "Boubacar",
    "Alpha",
    "Amadou",
    "Souleymane",
    "Hamza",
    "Ayoub",
    "Idriss",
    "Yaya",
]
LAST = [
    "Diallo",
    "Traoré",
    "Koné",
    "Camara",
    "Sow",
    "Bah",
    "Touré",
    "Keïta",
    "Cissé",
    "Barry",
    "Sylla",
    "Konaté",
    "Ndiaye",
    "Diop",
    "Fofana",
    "Kouyaté",
    "Okafor",
    "Mensah",
    "Mbala",
    "Kabila",
    "Nkosi",
    "El Amrani",
    "Benali",
    "Alaoui",
    "Bennani",
    "Ouedraogo",
    "Sanogo",
    "Coulibaly",
    "Doumbia",
    "Kamara",
]
NATIONALITIES = {
    "GN": 22,
    "CI": 16,
    "SN": 10,
    "CM": 10,
    "ML": 10,
    "CD": 6,
    "NG": 6,
    "SD": 6,
    "BF": 4,
    "GM": 3,
    "SL": 3,
    "LR": 2,
    "TD": 2,
}
HOST_COUNTRIES = ["ES", "LY", "DZ", "DE", "FR", "IT", "TR", "BE"]


class Command(BaseCommand):
    help = "Load realistic demo data and demo users (once)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--assistances", type=int, default=10000)
        parser.add_argument(
            "--force", action="store_true", help="load again even if demo data is already there"
        )

    def handle(self, *args, seed, people, assistances, force, **options):
        if Beneficiary.objects.exists() and not force:
            self.stdout.write("Demo data already loaded; nothing to do.")
            self._print_logins()
            return
        if people < 50 or assistances < people:
            raise CommandError("--people must be ≥ 50 and --assistances ≥ --people.")
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=730)
        with transaction.atomic():
            self._organisations_projects_users()
            self._people_and_assistances(people, assistances)
            self._referrals_and_returns()
        self._published_bilan()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {Beneficiary.objects.count()} people, "
                f"{Assistance.objects.count()} assistances."
            )
        )
        self._print_logins()

    # --- reference data -----------------------------------------------------------------------
    def _organisations_projects_users(self) -> None:
        cities = {c.code: c for c in City.objects.all()}
        self.orgs = {}
        for slug, name, kind, city in ORGANISATIONS:
            self.orgs[slug], _ = organisation_upsert(
                slug=slug, name=name, kind=kind, city=cities[city], acting_user=SYSTEM
            )
        self.officer, _ = user_upsert(
            username="officer",
            organisation=self.orgs["iom-maroc"],
            role="iom_officer",
            password=DEMO_PASSWORD,
            validate=False,
            first_name="Leïla",
            last_name="Benjelloun",
            acting_user=SYSTEM,
        )
        for username, org, role in USERS:
            user_upsert(
                username=username,
                organisation=self.orgs[org],
                role=role,
                password=DEMO_PASSWORD,
                validate=False,
                acting_user=SYSTEM,
            )
        self.projects = {}
        self.projects["JPN-PROT"], _ = project_upsert(
            code="JPN-PROT",
            title="Améliorer la protection et l'insertion socio-économique des migrant·e·s "
            "en situation de vulnérabilité au Maroc",
            donor=self.orgs["ambassade-japon"],
            start=self.start,
            end=self.today + datetime.timedelta(days=60),
            budget=Decimal("151500"),
            currency="USD",
            partners=[self.orgs[s] for s in ("smso-oujda", "inclusion-casa", "emploi-solidaire")],
            cities=[cities[c] for c in ("oujda", "casablanca", "rabat", "tanger")],
            small_cell_threshold=DEFAULT_SMALL_CELL_THRESHOLD,
            acting_user=SYSTEM,
        )
        self.projects["EU-AVRR"], _ = project_upsert(
            code="EU-AVRR",
            title="Retour volontaire assisté et réintégration durable",
            donor=self.orgs["union-europeenne"],
            start=self.start,
            end=self.today + datetime.timedelta(days=365),
            budget=Decimal("2400000"),
            currency="EUR",
            partners=[self.orgs["iom-maroc"]],
            cities=[cities[c] for c in ("rabat", "oujda", "casablanca", "tanger", "fes")],
            small_cell_threshold=DEFAULT_SMALL_CELL_THRESHOLD,
            acting_user=SYSTEM,
        )
        self.projects["EU-MHPSS"], _ = project_upsert(
            code="EU-MHPSS",
            title="Santé mentale et soutien psychosocial des personnes migrantes",
            donor=self.orgs["union-europeenne"],
            start=self.start,
            end=self.today + datetime.timedelta(days=180),
            budget=Decimal("480000"),
            currency="EUR",
            partners=[self.orgs["nour-tanger"], self.orgs["smso-oujda"]],
            cities=[cities[c] for c in ("tanger", "oujda")],
            small_cell_threshold=DEFAULT_SMALL_CELL_THRESHOLD,
            acting_user=SYSTEM,
        )
        self.cities = cities

    # --- people and their assistances ---------------------------------------------------------
    def _random_day(self, after: datetime.date) -> datetime.date:
        span = (self.today - after).days
        return after + datetime.timedelta(days=self.rng.randint(0, max(span, 0)))

    def _person(self, organisation: Organisation, index: int, *, national=False) -> Beneficiary:
        rng = self.rng
        sex = rng.choices([Sex.FEMALE, Sex.MALE, Sex.UNKNOWN], [46, 52, 2])[0]
        first = rng.choice(FIRST_F if sex == Sex.FEMALE else FIRST_M)
        registered = self._random_day(self.start)
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

    def _people_and_assistances(self, people: int, assistances: int) -> None:
        shares = {
            "smso-oujda": 0.32,
            "inclusion-casa": 0.26,
            "emploi-solidaire": 0.14,
            "nour-tanger": 0.13,
            "iom-maroc": 0.15,
        }
        persons: dict[str, list[Beneficiary]] = {}
        index = 0
        for slug, share in shares.items():
            batch = []
            for _ in range(int(people * share)):
                index += 1
                national = slug == "emploi-solidaire" and self.rng.random() < 0.3
                national = national or (slug == "iom-maroc" and self.rng.random() < 0.3)
                batch.append(self._person(self.orgs[slug], index, national=national))
            owner = self.officer
            persons[slug] = beneficiary_register_many(acting_user=owner, beneficiaries=batch)

        rows: list[Assistance] = []
        partner_budget = int(assistances * 0.85)
        partner_weights = {slug: shares[slug] for slug in PARTNER_MIX}
        total_weight = sum(partner_weights.values())
        for slug, weight in partner_weights.items():
            org = self.orgs[slug]
            project = (
                self.projects["EU-MHPSS"] if slug == "nour-tanger" else self.projects["JPN-PROT"]
            )
            mix = PARTNER_MIX[slug]
            for _ in range(int(partner_budget * weight / total_weight)):
                person = self.rng.choice(persons[slug])
                category = self.rng.choices(list(mix), list(mix.values()))[0]
                rows.append(self._assistance(person, org, project, category))
        iom = self.orgs["iom-maroc"]
        self.avrr_people = persons["iom-maroc"]
        for person in self.avrr_people:
            if person.is_migrant:
                for _ in range(self.rng.randint(1, 3)):
                    rows.append(
                        self._assistance(person, iom, self.projects["EU-AVRR"], Category.AVRR)
                    )
                continue
            # Moroccans returning home from a host country, then helped to reintegrate.
            returned = self._assistance(person, iom, self.projects["EU-AVRR"], Category.AVRR)
            returned.subtype = "return_to_morocco"
            returned.country = self.rng.choice(HOST_COUNTRIES)
            rows.append(returned)
            for _ in range(self.rng.randint(1, 3)):
                rows.append(
                    self._assistance(person, iom, self.projects["EU-AVRR"], Category.REINTEGRATION)
                )
        while len(rows) < assistances - 300:
            slug = self.rng.choice(list(PARTNER_MIX))
            person = self.rng.choice(persons[slug])
            mix = PARTNER_MIX[slug]
            project = (
                self.projects["EU-MHPSS"] if slug == "nour-tanger" else self.projects["JPN-PROT"]
            )
            rows.append(
                self._assistance(
                    person,
                    self.orgs[slug],
                    project,
                    self.rng.choices(list(mix), list(mix.values()))[0],
                )
            )
        assistance_record_many(acting_user=self.officer, assistances=rows)

    def _assistance(
        self, person: Beneficiary, org: Organisation, project, category: str
    ) -> Assistance:
        rng = self.rng
        subtypes = SUBTYPES[category]
        if category == Category.AVRR:
            subtypes = ("counselling", "pre_departure", "medical_check", "return_from_morocco")
        subtype = rng.choice(subtypes)
        delivered_on = self._random_day(max(person.registered_on, project.start))
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

    # --- a few stories through the services ---------------------------------------------------
    def _referrals_and_returns(self) -> None:
        caseworker = get_user_model().objects.get(username="caseworker")
        casa = get_user_model().objects.get(username="caseworker.casa")
        oujda_people = list(
            Beneficiary.objects.filter(organisation=self.orgs["smso-oujda"]).order_by("id")[:40]
        )
        recent = self.today - datetime.timedelta(days=20)
        for person in oujda_people[:12]:
            referral = referral_create(
                beneficiary=person,
                category=Category.LEGAL,
                consent=True,
                to_organisation=self.orgs["inclusion-casa"],
                acting_user=caseworker,
                reason="Accompagnement juridique à Casablanca",
                referred_on=recent,
            )
            if person.pk % 3:
                referral_respond(referral=referral, accept=True, acting_user=casa)
                if person.pk % 2:
                    referral_record_outcome(
                        referral=referral, acting_user=casa, outcome=Outcome.SERVICE_RECEIVED
                    )
            elif person.pk % 2:
                referral_respond(
                    referral=referral,
                    accept=False,
                    acting_user=casa,
                    decline_reason=DeclineReason.NO_CAPACITY,
                    decline_note="Notre juriste est absente jusqu'à la fin du mois.",
                )
        # Casablanca refers some of its people to Oujda: the Oujda caseworker's inbox has
        # referrals waiting for an answer, and some already accepted.
        casa_people = Beneficiary.objects.filter(organisation=self.orgs["inclusion-casa"])
        for n, person in enumerate(casa_people.order_by("id")[:6]):
            referral = referral_create(
                beneficiary=person,
                category=Category.MEDICAL if n % 2 else Category.PSYCHOSOCIAL,
                consent=True,
                to_organisation=self.orgs["smso-oujda"],
                acting_user=casa,
                reason="Installation à Oujda : suivi à poursuivre",
                referred_on=recent + datetime.timedelta(days=n),
            )
            if n % 3 == 2:
                referral_respond(referral=referral, accept=True, acting_user=caseworker)
        for person in oujda_people[12:24]:
            referral = referral_create(
                beneficiary=person,
                category=Category.MEDICAL,
                consent=True,
                to_structure="Centre hospitalier régional Al Farabi, Oujda",
                acting_user=caseworker,
                referred_on=recent,
                project=self.projects["JPN-PROT"],
            )
            if person.pk % 2:
                referral_record_outcome(
                    referral=referral, acting_user=caseworker, outcome=Outcome.SERVICE_RECEIVED
                )
        migrants = [p for p in self.avrr_people if p.is_migrant and p.nationality][:30]
        opened = self.today - datetime.timedelta(days=90)
        for n, person in enumerate(migrants):
            case = return_case_open(
                beneficiary=person,
                country=person.nationality,
                project=self.projects["EU-AVRR"],
                opened_on=opened,
                acting_user=self.officer,
            )
            stage = ["pre_departure", "medical_check", "returned", "reintegration"][n % 4]
            return_case_advance(
                return_case=case,
                stage=stage,
                acting_user=self.officer,
                on=opened + datetime.timedelta(days=30 + n),
            )

    def _published_bilan(self) -> None:
        """The last quarter's bilan of the Japan project, published, so the donor portal has a
        PDF to download. Generated here rather than waiting for a worker: generation is
        idempotent, so the queued task finds it done."""
        label, period = previous_quarter(self.today)
        snapshot = bilan_request(
            project=self.projects["JPN-PROT"], period=period, acting_user=self.officer
        )
        snapshot = bilan_generate(snapshot_id=snapshot.pk) or snapshot
        snapshot.refresh_from_db()
        bilan_publish(snapshot=snapshot, acting_user=self.officer)
        self.stdout.write(f"Bilan {snapshot.project.code} {label} published (PDF and XLSX).")

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, org, role in USERS:
            self.stdout.write(f"  {username:<16} {role:<16} {org}")
