"""The consent ledger starts from what was recorded before it (DESIGN.md section 8).

- A person with `consent` set gets a live `services` consent, dated `consent_on`, else the
  day the record was created, recorded by whoever created the record, in the name of the
  organisation that owns it.
- Each (person, receiving partner) of a referral sent with the person's consent gets a live
  `referral` consent, dated the first such referral, recorded by its author in the name of
  the sending organisation: the partners that accepted keep seeing the person, and a
  withdrawal can now stop them.

No `iom_reporting` or `photo` consent is invented: nobody was asked. People without an
`iom_reporting` entry stay visible to IOM (only an explicit withdrawal hides them).
"""

from django.db import migrations
from django.utils import timezone

BATCH = 2000


def forwards(apps, schema_editor):
    Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
    Consent = apps.get_model("beneficiaries", "Consent")
    Referral = apps.get_model("assistance", "Referral")
    rows = []
    people = Beneficiary.objects.filter(consent=True).values_list(
        "pk", "consent_on", "created_at", "created_by_id", "organisation_id"
    )
    for pk, consent_on, created_at, created_by_id, organisation_id in people.iterator(BATCH):
        rows.append(
            Consent(
                beneficiary_id=pk,
                purpose="services",
                given_on=consent_on or timezone.localdate(created_at),
                recorded_by_id=created_by_id,
                organisation_id=organisation_id,
            )
        )
        if len(rows) >= BATCH:
            Consent.objects.bulk_create(rows)
            rows = []
    seen = set()
    referrals = (
        Referral.objects.filter(consent=True, to_organisation__isnull=False)
        .order_by("referred_on", "pk")
        .values_list(
            "beneficiary_id", "to_organisation_id", "referred_on", "created_by_id",
            "from_organisation_id",
        )
    )  # fmt: skip
    for person_id, to_id, referred_on, created_by_id, from_id in referrals.iterator(BATCH):
        if (person_id, to_id) in seen:
            continue
        seen.add((person_id, to_id))
        rows.append(
            Consent(
                beneficiary_id=person_id,
                purpose="referral",
                recipient_id=to_id,
                given_on=referred_on,
                recorded_by_id=created_by_id,
                organisation_id=from_id,
            )
        )
        if len(rows) >= BATCH:
            Consent.objects.bulk_create(rows)
            rows = []
    Consent.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0004_consent_ledger"),
        ("assistance", "0008_import_queued_at"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
