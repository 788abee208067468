"""`manage.py apply_retention [--dry-run]`: pseudonymise the records whose organisation's
retention period has passed (DESIGN.md §8; beneficiaries.protection.retention_apply), and
print, per organisation, what was (or would be) erased. Bounded, idempotent, exit status 0.
The nightly beat task (beneficiaries.tasks.apply_retention) runs the same service."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.services import retention_apply
from partners.access import SYSTEM

# The references printed per organisation; the count says the rest.
SHOWN = 20


class Command(BaseCommand):
    help = _(
        "Pseudonymise les fiches dont la durée de conservation de l'organisation est écoulée "
        "(--dry-run : affiche seulement ce qui le serait)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("N'effacer rien : afficher seulement.")
        )
        parser.add_argument(
            "--max-records",
            type=int,
            default=settings.RETENTION_MAX_RECORDS,
            help=_("Au plus ce nombre de fiches par passage."),
        )
        parser.add_argument(
            "--max-seconds",
            type=int,
            default=settings.RETENTION_MAX_SECONDS,
            help=_("Aucune nouvelle fiche après ce nombre de secondes."),
        )

    def handle(self, *args, dry_run=False, max_records=None, max_seconds=None, **options):
        results = retention_apply(
            acting_user=SYSTEM,
            dry_run=dry_run,
            max_records=max(1, max_records),
            max_seconds=max(1, max_seconds),
        )
        for result in results:
            count = len(result.references)
            shown = ", ".join(result.references[:SHOWN]) + (" …" if count > SHOWN else "")
            line = (
                ngettext(
                    "%(organisation)s : %(counter)s fiche serait pseudonymisée",
                    "%(organisation)s : %(counter)s fiches seraient pseudonymisées",
                    count,
                )
                if dry_run
                else ngettext(
                    "%(organisation)s : %(counter)s fiche pseudonymisée",
                    "%(organisation)s : %(counter)s fiches pseudonymisées",
                    count,
                )
            ) % {"organisation": result.organisation.slug, "counter": count}
            self.stdout.write(f"{line}{' — ' + shown if shown else ''}")
            if result.stopped:
                self.stdout.write(_("Limite du passage atteinte : la suite au prochain passage."))
        if not results:
            self.stdout.write(_("Aucune fiche à pseudonymiser."))
