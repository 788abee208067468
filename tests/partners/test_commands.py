import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from partners.models import Membership, Organisation, Project
from tests.partners.factories import sign_in_request


def run(*args):
    call_command(*args)


class TestAddOrganisation:
    def test_creates_then_updates(self, db):
        run("add_organisation", "ms2", "--name", "MS2", "--kind", "partner", "--city", "oujda")
        run("add_organisation", "ms2", "--name", "MS2 Oujda", "--kind", "partner")
        organisation = Organisation.objects.get(slug="ms2")
        assert organisation.name == "MS2 Oujda"
        assert organisation.city.code == "oujda"
        assert Organisation.objects.count() == 1

    def test_second_factor_for_every_member_only_changes_when_given(self, db):
        partner = ("add_organisation", "ms2", "--name", "MS2", "--kind", "partner")
        run(*partner, "--second-factor", "required")
        assert Organisation.objects.get(slug="ms2").requires_second_factor
        run(*partner)  # a deployment script run again keeps what was set
        assert Organisation.objects.get(slug="ms2").requires_second_factor
        run(*partner, "--second-factor", "optional")
        assert not Organisation.objects.get(slug="ms2").requires_second_factor
        with pytest.raises(CommandError, match="invalid choice"):
            run(*partner, "--second-factor", "sometimes")

    def test_bad_kind(self, db):
        with pytest.raises(CommandError, match="invalid choice"):
            run("add_organisation", "x", "--name", "X", "--kind", "bank")

    def test_unknown_city(self, db):
        with pytest.raises(CommandError, match="unknown city"):
            run("add_organisation", "x", "--name", "X", "--kind", "partner", "--city", "paris")

    def test_bad_slug(self, db):
        with pytest.raises(CommandError, match="slug"):
            run("add_organisation", "not a slug!", "--name", "X", "--kind", "partner")


class TestAddProject:
    @pytest.fixture
    def orgs(self, db):
        run("add_organisation", "japan", "--name", "Japon", "--kind", "donor")
        run("add_organisation", "ms2", "--name", "MS2", "--kind", "partner")
        run("add_organisation", "hi", "--name", "HI", "--kind", "partner")

    def test_creates_then_updates(self, orgs):
        run(
            "add_project",
            "JPN",
            "--title",
            "Protection",
            "--donor",
            "japan",
            "--start",
            "2023-05-01",
            "--end",
            "2024-04-30",
            "--partners",
            "ms2,hi",
            "--budget",
            "151500",
            "--currency",
            "USD",
            "--cities",
            "oujda,casablanca",
        )
        run(
            "add_project",
            "JPN",
            "--title",
            "Protection et insertion",
            "--donor",
            "japan",
            "--start",
            "01/05/2023",
            "--end",
            "2024-09-30",
            "--partners",
            "ms2",
        )
        project = Project.objects.get(code="JPN")
        assert project.title == "Protection et insertion"
        assert project.end == datetime.date(2024, 9, 30)
        assert [p.slug for p in project.partners.all()] == ["ms2"]
        assert project.budget == 151500
        assert project.cities.count() == 2

    @pytest.mark.parametrize(
        "args,message",
        [
            (["--donor", "nobody"], "unknown organisation"),
            (["--donor", "ms2"], "not a donor"),
            (["--start", "2023-13-01"], "not a date"),
            (["--end", "2022-01-01"], "before --start"),
            (["--partners", "ms2,ghost"], "ghost"),
            (["--budget", "lots"], "not a number"),
        ],
    )
    def test_bad_input(self, orgs, args, message):
        base = {"--title": "T", "--donor": "japan", "--start": "2023-01-01", "--end": "2023-12-31"}
        for flag, value in zip(args[::2], args[1::2], strict=True):
            base[flag] = value
        flat = [item for pair in base.items() for item in pair]
        with pytest.raises(CommandError, match=message):
            run("add_project", "P1", *flat)
        assert not Project.objects.exists()


class TestAddUser:
    @pytest.fixture
    def org(self, db):
        run("add_organisation", "ms2", "--name", "MS2", "--kind", "partner")
        run("add_organisation", "iom", "--name", "OIM", "--kind", "iom")

    def test_creates_then_updates_role_and_password(self, org):
        run(
            "add_user",
            "awa",
            "--organisation",
            "ms2",
            "--role",
            "caseworker",
            "--password",
            "Tres-Long-Secret-42",
        )
        run(
            "add_user",
            "awa",
            "--organisation",
            "ms2",
            "--role",
            "partner_manager",
            "--password",
            "Autre-Secret-Long-43",
        )
        user = get_user_model().objects.get(username="awa")
        assert user.check_password("Autre-Secret-Long-43")
        assert Membership.objects.get(user=user).role == "partner_manager"
        assert not user.is_staff

    def test_iom_officer_gets_the_admin(self, org):
        run(
            "add_user",
            "leila",
            "--organisation",
            "iom",
            "--role",
            "iom_officer",
            "--password",
            "Tres-Long-Secret-42",
        )
        user = get_user_model().objects.get(username="leila")
        assert user.is_staff
        assert user.has_perm("beneficiaries.view_beneficiary")

    def test_role_that_does_not_fit_the_organisation(self, org):
        with pytest.raises(CommandError, match="role"):
            run(
                "add_user",
                "x",
                "--organisation",
                "ms2",
                "--role",
                "iom_officer",
                "--password",
                "Tres-Long-Secret-42",
            )
        assert not get_user_model().objects.filter(username="x").exists()

    def test_weak_password(self, org):
        with pytest.raises(CommandError, match="password"):
            run(
                "add_user",
                "x",
                "--organisation",
                "ms2",
                "--role",
                "caseworker",
                "--password",
                "123",
            )

    def test_unknown_organisation(self, db):
        with pytest.raises(CommandError, match="unknown organisation"):
            run(
                "add_user",
                "x",
                "--organisation",
                "ghost",
                "--role",
                "caseworker",
                "--password",
                "Tres-Long-Secret-42",
            )

    AWA = ["add_user", "awa", "--organisation", "ms2", "--role", "caseworker"]

    def test_running_again_keeps_a_revoked_access_revoked(self, org, capsys):
        from django.test import Client

        from partners.services import membership_update

        run(*self.AWA, "--password", "Tres-Long-Secret-42")
        membership = Membership.objects.get(user__username="awa")
        assert membership.is_active, "a new user can sign in"
        membership_update(membership=membership, is_active=False)  # revoked in the admin

        run(*self.AWA, "--password", "Autre-Secret-Long-43")

        assert Membership.objects.get(pk=membership.pk).is_active is False
        assert "stays revoked" in capsys.readouterr().out
        assert not Client().login(
            request=sign_in_request(), username="awa", password="Autre-Secret-Long-43"
        )

    def test_reactivate_restores_a_revoked_access(self, org):
        from django.test import Client

        from partners.services import membership_update

        run(*self.AWA, "--password", "Tres-Long-Secret-42")
        membership = Membership.objects.get(user__username="awa")
        membership_update(membership=membership, is_active=False)

        run(*self.AWA, "--password", "Tres-Long-Secret-42", "--reactivate")

        assert Membership.objects.get(pk=membership.pk).is_active is True
        assert Client().login(
            request=sign_in_request(), username="awa", password="Tres-Long-Secret-42"
        )

    def test_bad_role(self, org):
        with pytest.raises(CommandError, match="invalid choice"):
            run("add_user", "x", "--organisation", "ms2", "--role", "king", "--password", "p")
