"""`manage.py reporting_facts [--rebuild]`: check the engine's fact table against its
definition (exit status 1 on any difference), or refill it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reporting.facts import facts_check, facts_rebuild


class Command(BaseCommand):
    help = (
        "Vérifie que la table des faits du moteur de rapports correspond aux assistances "
        "délivrées (--rebuild : la reconstruit)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Reconstruire la table, puis la vérifier."
        )

    def handle(self, *args, **options):
        if options["rebuild"]:
            rows = facts_rebuild()
            self.stdout.write(
                ngettext(
                    "Table des faits reconstruite : %(counter)s ligne.",
                    "Table des faits reconstruite : %(counter)s lignes.",
                    rows,
                )
                % {"counter": rows}
            )
        drift = facts_check()
        if not drift.ok:
            raise CommandError(
                _(
                    "Table des faits désynchronisée : %(missing)s, %(unexpected)s. Lancez "
                    "`manage.py reporting_facts --rebuild`."
                )
                % drift.described()
            )
        self.stdout.write(self.style.SUCCESS(_("Table des faits conforme.")))
