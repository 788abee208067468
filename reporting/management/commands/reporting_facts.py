"""`manage.py reporting_facts [--rebuild]`: check the engine's fact table against its
definition (exit status 1 on any difference), or refill it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

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
            self.stdout.write(f"Table des faits reconstruite : {rows} ligne(s).")
        drift = facts_check()
        if not drift.ok:
            raise CommandError(
                f"Table des faits désynchronisée : {drift.missing} ligne(s) manquante(s) ou "
                f"fausse(s), {drift.unexpected} ligne(s) en trop. Lancez "
                "`manage.py reporting_facts --rebuild`."
            )
        self.stdout.write(self.style.SUCCESS("Table des faits conforme."))
