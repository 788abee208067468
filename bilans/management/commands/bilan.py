"""`manage.py bilan --project CODE (--period 2023-Q2 | --start D --end D) …` (DESIGN.md §4),
and `manage.py bilan --scope mission (--period 2023 | --start D --end D) …` (DESIGN.md §9).

JSON straight from the reporting engine; PDF and XLSX through the bilans' renderers, which is
why the command lives here, above reporting."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from bilans.rendering import render_bilan, render_mission_bilan
from partners.models import Organisation, Project
from reporting.engine import bilan, mission_bilan
from reporting.periods import parse_period, period_between
from reporting.suppression import suppress_bilan

FORMATS = ["json", "pdf", "xlsx"]
SCOPES = ["project", "mission"]


class Command(BaseCommand):
    help = "Le bilan d'un projet, ou de toute la mission, sur une période (JSON, PDF ou XLSX)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scope",
            default="project",
            choices=SCOPES,
            help="project (défaut, avec --project) ou mission : tous les projets et hors projet.",
        )
        parser.add_argument("--project", help="Code du projet (obligatoire pour un projet).")
        parser.add_argument("--period", help="AAAA, AAAA-Tn (ex. 2023-Q2) ou AAAA-MM.")
        parser.add_argument("--start", help="Début inclus, AAAA-MM-JJ.")
        parser.add_argument("--end", help="Fin incluse, AAAA-MM-JJ.")
        parser.add_argument("--organisation", help="Identifiant d'un prestataire.")
        parser.add_argument("--format", default="json", choices=FORMATS)
        parser.add_argument("--language", default="fr", choices=["fr", "en", "ar"])
        parser.add_argument("--output", help="Fichier de sortie (défaut : sortie standard).")
        parser.add_argument(
            "--raw",
            action="store_true",
            help="Sans masquage des petits effectifs (usage interne OIM, jamais pour un bailleur)"
            " ; le bilan de la mission, interne, n'en masque jamais.",
        )

    def handle(self, *args, **options):
        if options["format"] != "json" and not options["output"]:
            raise CommandError(f"Le format {options['format']} demande --output FICHIER.")
        if options["scope"] == "mission":
            if options["project"] or options["organisation"]:
                raise CommandError(
                    "Le bilan de la mission couvre tous les projets et tous les partenaires : "
                    "sans --project ni --organisation."
                )
            return self._mission(options)
        if not options["project"]:
            raise CommandError("Donnez --project CODE (ou --scope mission).")
        project = Project.objects.filter(code=options["project"]).first()
        if project is None:
            raise CommandError(f"Projet inconnu : {options['project']}")
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"Organisation inconnue : {options['organisation']}")
        period = self._period(options)

        if options["format"] != "json":
            content = render_bilan(
                project,
                period,
                organisation=organisation,
                language=options["language"],
                fmt=options["format"],
                raw=options["raw"],
            )
            with open(options["output"], "wb") as handle:
                handle.write(content)
            self.stderr.write(f"Bilan écrit dans {options['output']}")
            return
        with translation.override(options["language"]):
            data = bilan(project, period, organisation=organisation)
            if not options["raw"]:
                data = suppress_bilan(data, project.small_cell_threshold)
        self._write_json(data, options)

    def _mission(self, options) -> None:
        """The mission's bilan: every assistance of every project and of none."""
        period = self._period(options)
        if options["format"] != "json":
            content = render_mission_bilan(
                period, language=options["language"], fmt=options["format"]
            )
            with open(options["output"], "wb") as handle:
                handle.write(content)
            self.stderr.write(f"Bilan de la mission écrit dans {options['output']}")
            return
        self._write_json(mission_bilan(period), options)

    @staticmethod
    def _period(options):
        try:
            if options["period"]:
                if options["start"] or options["end"]:
                    raise CommandError("Donnez --period ou --start/--end, pas les deux.")
                return parse_period(options["period"])
            if options["start"] and options["end"]:
                return period_between(options["start"], options["end"])
            raise CommandError("Donnez --period, ou --start et --end.")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _write_json(self, data: dict, options) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Bilan écrit dans {options['output']}")
        else:
            self.stdout.write(text, ending="")
