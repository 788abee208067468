"""`manage.py import_assistances`: exit status, the printed report, --dry-run, --project."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assistance.importer.models import ImportBatch
from assistance.models import Assistance
from tests.imports.conftest import csv_bytes, row


@pytest.fixture
def file_of(tmp_path):
    def write(content, name="partenaire.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


def test_imports_and_keeps_the_record(file_of, partner_a, project, capsys):
    call_command(
        "import_assistances",
        file_of(csv_bytes([row()])),
        organisation="partner-a",
        project="JPN-PROT",
    )
    assert "Import terminé" in capsys.readouterr().out
    assert Assistance.objects.get().project == project
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.source, batch.rows) == ("done", "command", 1)
    assert batch.counts["assistances_new"] == 1
    assert batch.content is None


def test_dry_run_writes_nothing(file_of, partner_a, project, capsys):
    call_command(
        "import_assistances",
        file_of(csv_bytes([row()])),
        organisation="partner-a",
        project="JPN-PROT",
        dry_run=True,
    )
    assert "rien n'a été écrit" in capsys.readouterr().out
    assert Assistance.objects.count() == 0


def test_a_bad_file_prints_every_bad_row_and_exits_non_zero(file_of, partner_a, project, capsys):
    content = csv_bytes([row(sex="?"), row(aref="A-2", delivered_on="31/02/2024")])
    with pytest.raises(CommandError, match="2 erreur"):
        call_command(
            "import_assistances", file_of(content), organisation="partner-a", project="JPN-PROT"
        )
    err = capsys.readouterr().err
    assert "ligne 2, colonne sex « ? » : Sexe inconnu" in err
    assert "ligne 3, colonne delivered_on « 31/02/2024 »" in err
    assert Assistance.objects.count() == 0


def test_unknown_organisation_or_file(file_of, partner_a):
    with pytest.raises(CommandError, match="Organisation inconnue"):
        call_command("import_assistances", file_of(csv_bytes([row()])), organisation="nope")
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_assistances", "/no/such/file.csv", organisation="partner-a")


def test_as_a_user_the_users_rights_apply(file_of, partner_a, charlie, project):
    with pytest.raises(CommandError, match="votre organisation"):
        call_command(
            "import_assistances",
            file_of(csv_bytes([row()])),
            organisation="partner-a",
            user="charlie",
        )


@pytest.mark.parametrize("closed", [False, True], ids=["a donor", "a closed partner"])
def test_refuses_an_organisation_that_keeps_no_records(file_of, partner_a, donor, closed):
    from beneficiaries.models import Beneficiary
    from partners.services import organisation_update

    if closed:
        organisation_update(organisation=partner_a, is_active=False)
    target = partner_a if closed else donor
    with pytest.raises(CommandError, match="Choisissez un partenaire actif ou l'OIM"):
        call_command("import_assistances", file_of(csv_bytes([row()])), organisation=target.slug)
    assert not ImportBatch.objects.exists()
    assert not Beneficiary.objects.exists()
    assert not Assistance.objects.exists()
