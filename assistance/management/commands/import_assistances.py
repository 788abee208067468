"""`manage.py import_assistances FILE --organisation SLUG [--project CODE] [--dry-run]`.

Imports a partner's CSV or XLSX file whole or not at all (DESIGN.md section 4). A bad file
prints its bad rows (row as numbered in the spreadsheet, column, value, reason; the first
1,000 and how many there were) and exits 1. A file over the limits of settings (size, inflated
size, rows) is refused before it is read or parsed.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from assistance.importer.models import ImportBatch
from assistance.importer.report import Report
from assistance.importer.services import (
    import_batch_create,
    import_batch_process,
    import_file_read,
)
from partners.access import SYSTEM
from partners.models import Organisation, Project


def summarize(report: Report) -> str:
    """Rows read, people and assistances created, updated or unchanged (the words of the
    import page)."""
    counts = report.counts

    def count(context, singular, plural, key):
        value = counts.get(key, 0)
        return npgettext(context, singular, plural, value) % {"counter": value}

    return _("%(rows)s ; personnes : %(pn)s, %(pu)s ; assistances : %(an)s, %(au)s, %(ak)s.") % {
        "rows": ngettext("%(counter)s ligne lue", "%(counter)s lignes lues", report.rows)
        % {"counter": report.rows},
        "pn": count("personnes", "%(counter)s nouvelle", "%(counter)s nouvelles", "persons_new"),
        "pu": count(
            "personnes", "%(counter)s modifiée", "%(counter)s modifiées", "persons_updated"
        ),
        "an": count(
            "assistances", "%(counter)s nouvelle", "%(counter)s nouvelles", "assistances_new"
        ),
        "au": count(
            "assistances", "%(counter)s modifiée", "%(counter)s modifiées", "assistances_updated"
        ),
        "ak": count(
            "assistances",
            "%(counter)s inchangée",
            "%(counter)s inchangées",
            "assistances_unchanged",
        ),
    }


def format_report(report: Report) -> list[str]:
    """The report as lines a person reads (used by the command and its tests): the errors
    kept, then, when there were more, how many of how many."""
    lines = []
    for error in report.errors:
        place = _("ligne %(row)s") % {"row": error.row} if error.row else _("fichier")
        column = f", {_('colonne')} {error.column}" if error.column else ""
        value = f" « {error.value} »" if error.value else ""
        lines.append(f"{place}{column}{value} : {error.message}")
    if report.errors_summary:
        lines.append(report.errors_summary)
    return lines


class Command(BaseCommand):
    help = "Importe un fichier CSV ou XLSX d'assistances (tout ou rien)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier .csv (UTF-8) ou .xlsx (première feuille).")
        parser.add_argument("--organisation", required=True, help="Identifiant (slug).")
        parser.add_argument("--project", help="Code du projet des lignes sans colonne project.")
        parser.add_argument("--dry-run", action="store_true", help="Vérifier sans rien écrire.")
        parser.add_argument(
            "--user", help="Nom de l'utilisateur au nom duquel importer (ses droits s'appliquent)."
        )
        parser.add_argument("--language", default="fr", choices=["fr", "en", "ar"])

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            return self._handle(options)

    def _handle(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(
                _("Organisation inconnue : %(slug)s") % {"slug": options["organisation"]}
            )
        project = None
        if options["project"]:
            project = Project.objects.filter(code__iexact=options["project"]).first()
            if project is None:
                raise CommandError(_("Projet inconnu : %(code)s") % {"code": options["project"]})
        user = SYSTEM  # the operator, unless --user names someone whose rights then apply
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("Utilisateur inconnu : %(user)s") % {"user": options["user"]})
        try:
            with path.open("rb") as stream:
                content = import_file_read(stream, declared_size=path.stat().st_size)
            batch = import_batch_create(
                acting_user=user,
                organisation=organisation,
                project=project,
                file_name=path.name,
                content=content,
                source=ImportBatch.Source.COMMAND,
                language=options["language"],
                keep_content=False,
            )
            report = import_batch_process(
                batch=batch, commit=not options["dry_run"], content=content
            )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        summary = summarize(report)
        if not report.ok:
            for line in format_report(report):
                self.stderr.write(line)
            raise CommandError(
                ngettext(
                    "Fichier refusé : %(counter)s erreur, rien n'a été importé.",
                    "Fichier refusé : %(counter)s erreurs, rien n'a été importé.",
                    report.error_count,
                )
                % {"counter": report.error_count}
            )
        if options["dry_run"]:
            self.stdout.write(
                _("Vérification réussie (rien n'a été écrit) : %(s)s") % {"s": summary}
            )
        else:
            self.stdout.write(_("Import terminé : %(s)s") % {"s": summary})
