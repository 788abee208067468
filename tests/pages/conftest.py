"""Fixtures of the page tests: partner A's people and records, which partner B's caseworker
(charlie) and the donor must never reach."""

import datetime

import pytest

from assistance import services as assistance_services
from assistance.activities import services as activity_services
from assistance.referrals import services as referral_services
from assistance.returns import services as return_services
from beneficiaries.models import BeneficiaryMerge
from beneficiaries.services import beneficiary_merge, beneficiary_register
from partners.choices import Role
from partners.services import api_token_create
from tests.partners.factories import (
    DonorFactory,
    OrganisationFactory,
    ProjectFactory,
    city,
    member,
)

# Names no other fixture uses: if one shows up in a page, it leaked.
SECRET_FIRST_NAME = "Zenabou"
SECRET_LAST_NAME = "Quixotera"
SECRET_REF = "A-SECRET-001"
# What partner A wrote in its own assistance: never shown to a partner the person is referred to.
SECRET_NOTE = "Note médicale réservée à A"


@pytest.fixture
def a_person(alice, project):
    return beneficiary_register(
        acting_user=alice,
        beneficiary_ref=SECRET_REF,
        first_name=SECRET_FIRST_NAME,
        last_name=SECRET_LAST_NAME,
        sex="F",
        date_of_birth=datetime.date(1990, 3, 4),
        nationality="GN",
        city=city("oujda"),
        registered_on=datetime.date(2024, 1, 10),
        consent=True,
    )


@pytest.fixture
def partner_world(alice, a_person, project):
    """One of everything partner A owns: an assistance, a group session, a referral to a
    third partner (not B), a public-health referral, a return case, and a project B and the
    donor of `project` have nothing to do with."""
    partner_c = OrganisationFactory(slug="partner-c", name="Partenaire C", city=city("rabat"))
    project.partners.add(partner_c)
    other_donor = DonorFactory(slug="other-donor", name="Autre bailleur")
    private_project = ProjectFactory(
        code="A-ONLY", donor=other_donor, partners=[alice.membership.organisation]
    )
    assistance = assistance_services.assistance_record(
        beneficiary=a_person,
        category="medical",
        subtype="consultation",
        delivered_on=datetime.date(2024, 2, 1),
        project=project,
        notes=SECRET_NOTE,
        acting_user=alice,
    )
    activity = activity_services.activity_record(
        category="awareness",
        subtype="health",
        title="Séance secrète",
        held_on=datetime.date(2024, 2, 2),
        participants=[a_person],
        acting_user=alice,
    )
    referral = referral_services.referral_create(
        beneficiary=a_person,
        category="psychosocial",
        consent=True,
        to_organisation=partner_c,
        referred_on=datetime.date(2024, 2, 10),
        acting_user=alice,
    )
    public_referral = referral_services.referral_create(
        beneficiary=a_person,
        category="medical",
        consent=True,
        to_structure="Hôpital Al Farabi",
        referred_on=datetime.date(2024, 2, 15),
        acting_user=alice,
    )
    return_case = return_services.return_case_open(
        beneficiary=a_person, country="GN", acting_user=alice, opened_on=datetime.date(2024, 3, 1)
    )
    bilans = _bilans_objects(private_project, alice)
    results = _results_objects(private_project)
    case, goal, followup = _case_objects(a_person, alice)
    # Two records of one person in A, merged by A's manager (beneficiaries.merges).
    twins = [
        beneficiary_register(acting_user=alice, beneficiary_ref=ref, first_name=SECRET_FIRST_NAME)
        for ref in ("A-TWIN-1", "A-TWIN-2")
    ]
    merge_manager = member(
        alice.membership.organisation, Role.PARTNER_MANAGER, username="twin-manager"
    )
    beneficiary_merge(duplicate=twins[1], keep=twins[0], acting_user=merge_manager)
    case_files = _case_files(case, alice)
    return {
        "capacity_event": _capacity_event(private_project, alice),
        **bilans,
        **results,
        **case_files,
        "import_batch": _import_batch(alice, a_person.organisation),
        "beneficiary": a_person,
        "assistance": assistance,
        "activity": activity,
        "referral": referral,
        "public_referral": public_referral,
        "return_case": return_case,
        "case": case,
        "goal": goal,
        "followup": followup,
        "merge": BeneficiaryMerge.objects.get(duplicate=twins[1]),
        "project": private_project,
        "partner_c": partner_c,
        "caseworker_c": member(partner_c, Role.CASEWORKER, username="carol"),
        # alice's own: no one else revokes it (the user's page looks it up as hers only).
        "api_token": api_token_create(user=alice, acting_user=alice)[0],
    }


@pytest.fixture
def receiving_world(partner_world):
    """Partner C accepted A's referral: carol (C's caseworker) now sees the person, and has
    recorded one assistance of her own. A's assistances (a consultation with its notes, a
    group session, a public-health referral, an AVRR counselling) stay A's."""
    carol = partner_world["caseworker_c"]
    referral = referral_services.referral_respond(
        referral=partner_world["referral"], accept=True, acting_user=carol
    )
    own = assistance_services.assistance_record(
        beneficiary=partner_world["beneficiary"],
        category="psychosocial",
        subtype="listening",
        delivered_on=datetime.date(2024, 2, 20),
        acting_user=carol,
    )
    return {**partner_world, "referral": referral, "carol": carol, "own_assistance": own}


def _capacity_event(project, alice):
    """Partner A's training (issue 15), with a named participant: a professional's name."""
    from capacity.services import capacity_event_record

    return capacity_event_record(
        kind="training",
        title="Séance secrète de formation",
        start=datetime.date(2024, 2, 5),
        city=city("oujda"),
        project=project,
        counts={"health_staff": {"F": 2}},
        participants=[
            {
                "name": f"{SECRET_FIRST_NAME} {SECRET_LAST_NAME}",
                "sex": "F",
                "institution": "health_staff",
            }
        ],
        acting_user=alice,
    )


def _case_objects(person, alice):
    """Partner A's case on the person (alice's), with a goal of its plan and a follow-up."""
    from cases import services as case_services

    case = case_services.case_open(
        beneficiary=person, acting_user=alice, opened_on=datetime.date(2024, 2, 1)
    )
    goal = case_services.goal_add(case=case, acting_user=alice, title="Logement stable")
    followup = case_services.followup_add(
        case=case, acting_user=alice, due_on=datetime.date(2024, 3, 1), action="Visite"
    )
    return case, goal, followup


def _case_files(case, alice):
    """A confidential note and a document on A's case (cases.confidential_views)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases import services as case_services

    return {
        "case_note": case_services.note_add(case=case, body=SECRET_NOTE, acting_user=alice),
        "case_document": case_services.document_upload(
            case=case,
            kind="consent_form",
            uploaded_file=SimpleUploadedFile("consentement.pdf", b"%PDF-1.4\n%%EOF\n"),
            acting_user=alice,
        ),
    }


def _import_batch(alice, organisation):
    """A checked, not yet confirmed import of partner A: its preview names A's person."""
    from assistance.importer.models import ImportBatch
    from assistance.importer.services import import_batch_create, import_batch_process

    batch = import_batch_create(
        acting_user=alice,
        organisation=organisation,
        file_name="import-a.csv",
        content=f"beneficiary_ref,sex,category,delivered_on\n{SECRET_REF},F,medical,2024-01-05\n".encode(),
        source=ImportBatch.Source.WEB,
    )
    import_batch_process(batch=batch, commit=False)
    return batch


def _results_objects(private_project):
    """A results framework (an expected result and its target) of a project B and the test's
    donor have no part in (written by the command line's SYSTEM, as an officer would)."""
    from partners.access import SYSTEM
    from reporting.models import Indicator
    from results import services

    result = services.expected_result_create(
        project=private_project, statement_fr="Résultat secret de A", acting_user=SYSTEM
    )
    target = services.target_create(
        result=result,
        indicator=Indicator.objects.get(code="beneficiaries_reached"),
        target_total=10,
        acting_user=SYSTEM,
    )
    return {"expected_result": result, "target": target}


def _bilans_objects(private_project, alice):
    """The bilans app's objects (a draft snapshot, a closed period, a notice to alice), for a
    project B and the test's donor have no part in."""
    from bilans.models import BilanSnapshot
    from core.models import Notification
    from partners.models import ClosedPeriod

    return {
        "bilan": BilanSnapshot.objects.create(
            project=private_project,
            start=datetime.date(2024, 1, 1),
            end=datetime.date(2024, 3, 31),
        ),
        "closed_period": ClosedPeriod.objects.create(
            project=private_project,
            start=datetime.date(2023, 1, 1),
            end=datetime.date(2023, 3, 31),
        ),
        "notification": Notification.objects.create(user=alice, message="Bilan prêt"),
    }
