"""`manage.py import_targets FILE --project CODE [--dry-run]`: a project's targets from a
spreadsheet, whole or nothing (results.importer)."""

from pathlib import Path

from django.core.management.base import CommandError

from partners.access import SYSTEM
from partners.management.commands._base import OperationsCommand
from partners.models import Project
from results.importer import MAX_BYTES, import_targets


class Command(OperationsCommand):
    help = "Import a project's targets from a CSV or XLSX file (whole or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--project", required=True, help="project code")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")

    def handle(self, *args, file, project, dry_run=False, **options):
        found = Project.objects.filter(code=project).first()
        if found is None:
            raise CommandError(f"--project: no project '{project}'.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file}: larger than {MAX_BYTES // (1024 * 1024)} MB.")
        report = import_targets(
            project=found,
            content=path.read_bytes(),
            filename=path.name,
            acting_user=SYSTEM,
            dry_run=dry_run,
        )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"row {error.row}, column {error.column or '-'}: {error.reason}")
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported.")
        if dry_run:
            self.stdout.write(f"{report.rows} rows checked: the file is valid; nothing saved.")
            return
        self.stdout.write(
            f"{report.rows} rows imported; expected results created: {report.results_created}, "
            f"targets created: {report.targets_created}, updated: {report.targets_updated}."
        )
