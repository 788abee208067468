"""The fact table's health (see `reporting.models.Fact`): compare it with its definition,
the view `reporting_fact_source`, and refill it from there.

The triggers of migration 0005 keep the table exact on every write; these functions are for
operators: a check after a restore or a manual intervention, and a repair if it ever drifts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import ngettext

from assistance.choices import Status
from assistance.models import Assistance
from reporting.models import Fact, FactKind

COLUMNS = (
    "assistance_id, person_id, project_id, provider_id, city_id, day_key, kind_id, country, "
    "sex, born_key, is_migrant"
)
SOURCE = "reporting_fact_source"
# The statements below are built from these constants and model table names only, never from
# input: that is why bandit (B608) and ruff (S608) are silenced on each of them.


@dataclass(frozen=True)
class FactDrift:
    """Rows the table lacks (or holds wrong) and rows it holds that it should not."""

    missing: int
    unexpected: int

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unexpected

    def described(self) -> dict[str, str]:
        """`missing` and `unexpected` as people read them, in the active language."""
        return {
            "missing": ngettext(
                "%(counter)s ligne manquante ou fausse",
                "%(counter)s lignes manquantes ou fausses",
                self.missing,
            )
            % {"counter": self.missing},
            "unexpected": ngettext(
                "%(counter)s ligne en trop", "%(counter)s lignes en trop", self.unexpected
            )
            % {"counter": self.unexpected},
        }


@transaction.atomic
def facts_check() -> FactDrift:
    """Compare `reporting_fact` with `reporting_fact_source`, row by row: two queries, each
    comparing both sides in its own snapshot, so concurrent writes (which change both in one
    commit) never look like drift. Memory enough to compare a million rows without spilling
    to disk."""
    table = Fact._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(
            f"SELECT count(*) FROM (SELECT {COLUMNS} FROM {SOURCE} "  # noqa: S608 # nosec B608
            f"EXCEPT SELECT {COLUMNS} FROM {table}) d"
        )
        missing = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT count(*) FROM (SELECT {COLUMNS} FROM {table} "  # noqa: S608 # nosec B608
            f"EXCEPT SELECT {COLUMNS} FROM {SOURCE}) d"
        )
        unexpected = cursor.fetchone()[0]
    return FactDrift(missing=missing, unexpected=unexpected)


@transaction.atomic
def facts_rebuild() -> int:
    """Refill `reporting_fact` from its definition; returns the number of rows. Writers of
    assistances wait (the table is locked) until the transaction ends."""
    table, kinds = Fact._meta.db_table, FactKind._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Assistance._meta.db_table} IN SHARE MODE")  # nosec B608
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 # nosec B608
        cursor.execute(
            f"INSERT INTO {kinds} (category, subtype, outcome) "  # noqa: S608 # nosec B608
            f"SELECT DISTINCT category, subtype, outcome FROM {Assistance._meta.db_table} "
            "WHERE status = %s ON CONFLICT DO NOTHING",
            [Status.DELIVERED],
        )
        cursor.execute(f"INSERT INTO {table} ({COLUMNS}) SELECT {COLUMNS} FROM {SOURCE}")  # noqa: S608 # nosec B608
        return cursor.rowcount
