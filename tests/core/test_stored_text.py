"""Text stored before the models cleaned it: the data migrations clean it with the models' own
helper, a reference that would then collide with another record's is left for an officer to
merge, and editing such a record never trips on what nobody touched."""

import datetime
import importlib
import pkgutil

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from assistance.activities.services import activity_record
from assistance.models import Activity, Assistance, Referral, ReturnCase
from assistance.referrals.services import referral_create, referral_respond
from assistance.returns.services import return_case_open
from assistance.services import assistance_update
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_update
from core.models import AuditEntry
from core.text import UserTextMixin
from partners.models import City, Organisation, Project, Region
from reporting.models import Indicator
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.imports.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db

RLM = "\u200f"  # RIGHT-TO-LEFT MARK, which messaging apps add without telling
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
DAY = datetime.date(2024, 2, 1)


def migration(app_label: str):
    """The user-text migration of an app, imported as a module (its name starts with a digit)."""
    package = importlib.import_module(f"{app_label}.migrations")
    (name,) = [
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.endswith("_clean_user_text")
    ]
    return importlib.import_module(f"{app_label}.migrations.{name}")


def run(app_label: str) -> list[str]:
    return migration(app_label).clean_user_text(apps, None)


def stored(instance, **values):
    """Write `values` as they were stored before the models cleaned them (no clean_fields)."""
    type(instance).objects.filter(pk=instance.pk).update(**values)


# --- Every model, every field ------------------------------------------------------------------


# Apps born after the models cleaned their text: nothing was ever stored uncleaned.
BORN_CLEAN = {"cases", "frameworks", "capacity", "results"}


def test_every_model_with_user_text_has_its_fields_cleaned_by_its_own_app():
    for model in apps.get_models():
        if not issubclass(model, UserTextMixin) or model._meta.app_label in BORN_CLEAN:
            continue
        spec = migration(model._meta.app_label).USER_TEXT[model.__name__]
        assert tuple(spec.get("fields", ())) == model.USER_TEXT_FIELDS, model
        assert tuple(spec.get("multiline_fields", ())) == model.USER_MULTILINE_FIELDS, model


def test_the_migrations_clean_what_was_stored_before(alice, partner_a, partner_b, charlie):
    person = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="OUJ-1")
    stored(person, beneficiary_ref=f"OUJ-1{RLM}", first_name=f"Awa{RLO}ennaS", last_name=" Sow\t")
    assistance = AssistanceFactory(beneficiary=person, assistance_ref="L-1")
    stored(assistance, assistance_ref=f"{RLM}L-1", notes=f"Ligne{RLO} 1\r\nLigne 2\x1b")
    referral = referral_create(
        beneficiary=person,
        category="psychosocial",
        consent=True,
        to_organisation=partner_b,
        acting_user=alice,
    )
    referral_respond(
        referral=referral,
        accept=False,
        decline_reason="other",
        decline_note="Complet",
        acting_user=charlie,
    )
    stored(referral, reason=f"Suivi{RLO}", decline_note=f"{RLM}Complet\u2028en mai")
    public = referral_create(
        beneficiary=person,
        category="medical",
        consent=True,
        to_structure="CHU Oujda",
        acting_user=alice,
    )
    stored(public, to_structure=f"CHU{RLO} Oujda")
    case = return_case_open(beneficiary=person, country="GN", acting_user=alice)
    stored(case, notes=f"{RLM}Départ\r\nprévu")
    activity = activity_record(
        category="awareness",
        subtype="health",
        title="Séance",
        participants=[person],
        held_on=DAY,
        acting_user=alice,
    )
    stored(activity, title=f"Séance{RLO} santé")
    oujda = City.objects.get(code="oujda")
    stored(oujda, name=f"Oujda{RLM}", name_ar="\u2067وجدة\u2069")
    region = oujda.region
    stored(region, name=f"{RLM}L'Oriental")
    stored(partner_a, name=f"Partenaire{RLO} A")
    project = Project.objects.create(
        code="P-1", title="Projet", donor=Organisation.objects.create(slug="d", kind="donor"),
        start=DAY, end=DAY,
    )  # fmt: skip
    stored(project, title=f"Projet{RLO} pilote")
    indicator = Indicator.objects.get(code="medical_persons")
    stored(indicator, label_fr=f"{indicator.label_fr}{RLM}")

    assert [run(app) for app in ("partners", "beneficiaries", "assistance", "reporting")] == [
        [],
        [],
        [],
        [],
    ]

    person.refresh_from_db()
    assert (person.beneficiary_ref, person.first_name, person.last_name) == (
        "OUJ-1",
        "AwaennaS",
        "Sow",
    )
    assistance.refresh_from_db()
    assert (assistance.assistance_ref, assistance.notes) == ("L-1", "Ligne 1\nLigne 2")
    referral.refresh_from_db()
    assert (referral.reason, referral.decline_note) == ("Suivi", "Complet\nen mai")
    assert Referral.objects.get(pk=public.pk).to_structure == "CHU Oujda"
    assert ReturnCase.objects.get(pk=case.pk).notes == "Départ\nprévu"
    assert Activity.objects.get(pk=activity.pk).title == "Séance santé"
    assert City.objects.filter(pk=oujda.pk).values_list("name", "name_ar").get() == (
        "Oujda",
        "وجدة",
    )
    assert Region.objects.get(pk=region.pk).name == "L'Oriental"
    assert Organisation.objects.get(pk=partner_a.pk).name == "Partenaire A"
    assert Project.objects.get(pk=project.pk).title == "Projet pilote"
    assert not Indicator.objects.get(pk=indicator.pk).label_fr.endswith(RLM)
    # The change is audited, old and new values, like any change to a person.
    entry = AuditEntry.objects.get(
        model="beneficiaries.beneficiary", object_id=str(person.pk), actor=None
    )
    assert entry.action == "update"
    assert entry.changes["beneficiary_ref"] == [f"OUJ-1{RLM}", "OUJ-1"]
    # Nothing else moved, and a second run has nothing to do.
    before = AuditEntry.objects.count()
    run("beneficiaries"), run("assistance")
    assert AuditEntry.objects.count() == before


def test_re_importing_the_partner_s_file_finds_the_cleaned_person(partner_a, project):
    from assistance.importer.engine import run_import
    from partners.access import SYSTEM

    def do_import(content):
        return run_import(
            content=content,
            filename="suivi.csv",
            organisation=partner_a,
            acting_user=SYSTEM,
            project=project,
            dry_run=False,
        )

    first = do_import(csv_bytes([row(ref="OUJ-5", aref="L-5")]))
    assert first.counts["persons_new"] == 1
    person = Beneficiary.objects.get()
    stored(person, beneficiary_ref=f"OUJ-5{RLM}")  # as it was stored before
    stored(Assistance.objects.get(), assistance_ref=f"L-5{RLM}")
    run("beneficiaries"), run("assistance")

    again = do_import(csv_bytes([row(ref="OUJ-5", aref="L-5")]))

    assert again.counts["persons_new"] == 0
    assert Beneficiary.objects.count() == 1 and Assistance.objects.count() == 1


# --- References that would collide -----------------------------------------------------------


def test_a_reference_another_record_already_holds_is_kept_and_reported(partner_a, partner_b, alice):
    clean = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="OUJ-12")
    twin = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="OUJ-12-b")
    stored(twin, beneficiary_ref=f"OUJ-12{RLM}", first_name=f"Awa{RLO}")
    # The same reference in another organisation is another person's: no collision there.
    elsewhere = BeneficiaryFactory(organisation=partner_b, beneficiary_ref="OUJ-12-c")
    stored(elsewhere, beneficiary_ref=f"OUJ-12{RLM}")

    kept = run("beneficiaries")

    assert len(kept) == 1
    assert f"#{twin.pk}" in kept[0] and f"#{clean.pk}" in kept[0] and "\\u200f" in kept[0]
    twin.refresh_from_db()
    assert (twin.beneficiary_ref, twin.first_name) == (f"OUJ-12{RLM}", "Awa")
    assert Beneficiary.objects.get(pk=elsewhere.pk).beneficiary_ref == "OUJ-12"
    assert Beneficiary.objects.get(pk=clean.pk).beneficiary_ref == "OUJ-12"


def test_of_two_dirty_twins_the_older_gets_the_clean_reference(partner_a):
    older = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="X-1")
    newer = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="X-2")
    stored(older, beneficiary_ref=f"OUJ-7{RLM}")
    stored(newer, beneficiary_ref=f"{RLM}OUJ-7")

    kept = run("beneficiaries")

    assert [Beneficiary.objects.get(pk=p.pk).beneficiary_ref for p in (older, newer)] == [
        "OUJ-7",
        f"{RLM}OUJ-7",
    ]
    assert len(kept) == 1 and f"#{newer.pk}" in kept[0]


def test_an_assistance_reference_collides_only_within_its_provider(partner_a, partner_b):
    AssistanceFactory(beneficiary__organisation=partner_a, assistance_ref="L-9")
    twin = AssistanceFactory(beneficiary__organisation=partner_a, assistance_ref="L-9b")
    stored(twin, assistance_ref=f"L-9{RLM}", notes=f"Note{RLO}")
    other = AssistanceFactory(beneficiary__organisation=partner_b, assistance_ref="L-9c")
    stored(other, assistance_ref=f"L-9{RLM}")

    kept = run("assistance")

    assert len(kept) == 1 and f"#{twin.pk}" in kept[0]
    twin.refresh_from_db()
    assert (twin.assistance_ref, twin.notes) == (f"L-9{RLM}", "Note")
    assert Assistance.objects.get(pk=other.pk).assistance_ref == "L-9"


def test_a_reference_of_invisible_characters_only_is_kept_and_reported(partner_a):
    person = BeneficiaryFactory(organisation=partner_a)
    stored(person, beneficiary_ref=RLM)
    kept = run("beneficiaries")
    assert len(kept) == 1 and "by hand" in kept[0]
    assert Beneficiary.objects.get(pk=person.pk).beneficiary_ref == RLM


# --- Editing a record left for the officer -----------------------------------------------------


@pytest.fixture
def twins(partner_a):
    """ "OUJ-12" and the same reference with a right-to-left mark, as the migration left them."""
    BeneficiaryFactory(organisation=partner_a, beneficiary_ref="OUJ-12")
    twin = BeneficiaryFactory(organisation=partner_a, beneficiary_ref="OUJ-12-b")
    stored(twin, beneficiary_ref=f"OUJ-12{RLM}")
    return twin


def test_editing_another_field_keeps_the_untouched_reference(twins, alice):
    saved = beneficiary_update(beneficiary=twins, first_name=f"Awa{RLO}", acting_user=alice)
    saved.refresh_from_db()
    # The field typed is cleaned; the reference nobody touched is not rewritten into its twin's.
    assert (saved.first_name, saved.beneficiary_ref) == ("Awa", f"OUJ-12{RLM}")


def test_typing_the_twin_s_reference_is_still_refused(twins, alice):
    with pytest.raises(ValidationError, match="existe déjà"):
        beneficiary_update(beneficiary=twins, beneficiary_ref=f"{RLM}OUJ-12", acting_user=alice)


def test_an_assistance_s_untouched_reference_is_kept_too(partner_a, alice):
    AssistanceFactory(beneficiary__organisation=partner_a, assistance_ref="L-9")
    twin = AssistanceFactory(beneficiary__organisation=partner_a, assistance_ref="L-9b")
    stored(twin, assistance_ref=f"L-9{RLM}")
    saved = assistance_update(assistance=twin, notes=f"Revue{RLO}", acting_user=alice)
    assert (saved.notes, saved.assistance_ref) == ("Revue", f"L-9{RLM}")
