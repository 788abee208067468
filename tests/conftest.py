"""Fixtures shared by every test folder: the people of the access tests (STYLE.md).

alice and bob are caseworkers of partner A; charlie is a caseworker of partner B who must see
nothing of A's people. `officer` is an IOM officer; `donor_user` works for the donor.

`client.force_login(user)` means a completed sign-in, second factor included
(`force_login_gives_the_second_factor`, autouse): for a user who must give one
(partners.second_factor.second_factor_due), a confirmed authenticator app is made if they have
none, and the session remembers it as django-otp's login does. Without this, every officer
and manager of the suite would be sent to the verification page. The tests that prove the
second factor is enforced (tests/partners/test_second_factor*.py) sign in with the password
only, `client.login()` or a POST to the sign-in page, which this leaves alone.
`APIClient.force_authenticate` needs nothing: it bypasses authentication, and the middleware
only stops sessions.
"""

import importlib

import pytest
from django.test.client import ClientMixin

from partners.choices import Role
from tests.partners.factories import (
    DonorFactory,
    IOMFactory,
    OrganisationFactory,
    ProjectFactory,
    city,
    give_second_factor,
    member,
)


@pytest.fixture
def partner_a(db):
    return OrganisationFactory(slug="partner-a", name="Partenaire A", city=city("oujda"))


@pytest.fixture
def partner_b(db):
    return OrganisationFactory(slug="partner-b", name="Partenaire B", city=city("casablanca"))


@pytest.fixture
def iom(db):
    return IOMFactory()


@pytest.fixture
def donor(db):
    return DonorFactory(slug="japan", name="Ambassade du Japon")


@pytest.fixture
def project(donor, partner_a, partner_b):
    return ProjectFactory(code="JPN-PROT", donor=donor, partners=[partner_a, partner_b])


@pytest.fixture
def alice(partner_a):
    return member(partner_a, Role.CASEWORKER, username="alice")


@pytest.fixture
def bob(partner_a):
    return member(partner_a, Role.CASEWORKER, username="bob")


@pytest.fixture
def manager_a(partner_a):
    return member(partner_a, Role.PARTNER_MANAGER, username="manager-a")


@pytest.fixture
def charlie(partner_b):
    return member(partner_b, Role.CASEWORKER, username="charlie")


@pytest.fixture
def officer(iom):
    return member(iom, Role.IOM_OFFICER, username="officer")


@pytest.fixture
def donor_user(donor):
    return member(donor, Role.DONOR, username="donor-user")


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (French): a request in Arabic activates it
    for the thread (LocaleMiddleware), and a command's output would be read in it next."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def protected_files_of_the_run(tmp_path_factory):
    """Encrypted files (core.protected_files) stored by the tests go to a folder of the run,
    which pytest removes in time, never to var/protected/."""
    from django.conf import settings

    settings.PROTECTED_FILES_ROOT = tmp_path_factory.mktemp("protected")


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Every test starts with no request counted by the API throttles. They count in the
    cache: local memory, or Redis with REDIS_URL, which outlives a test (and the run). Only
    the throttles' keys are dropped, never the whole Redis database (Celery's broker may
    share it)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=cache.make_key("throttle_*"), count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def force_login_gives_the_second_factor(monkeypatch):
    """`client.force_login(user)`: signed in with the second factor given (see above)."""
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        give_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def frozen_clock(monkeypatch):
    """Set the moment `core.clock` gives (timezone-aware): `frozen_clock(datetime(…, tzinfo=…))`."""
    from core import clock

    def freeze(moment):
        assert moment.tzinfo is not None, "freeze the clock with an aware datetime"
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    return freeze


def seed_reference_data() -> None:
    """The rows data migrations seed (cities, axes, framework objectives, the indicator
    catalogue), when missing: a transactional test database is flushed after each test,
    those rows included."""
    from django.apps import apps

    from frameworks.models import Axis, FrameworkObjective
    from partners.models import City
    from reporting.models import Indicator

    for model, migrations in (
        (City, ["partners.migrations.0002_seed_regions_and_cities"]),
        (Axis, ["frameworks.migrations.0002_seed_axes"]),
        (FrameworkObjective, ["frameworks.migrations.0003_seed_framework_objectives"]),
        (
            Indicator,
            [
                "reporting.migrations.0002_seed_default_catalogue",
                "reporting.migrations.0009_seed_case_indicators",
                "reporting.migrations.0011_indicator_sub_themes",
            ],
        ),
    ):
        if not model.objects.exists():
            for migration in migrations:
                importlib.import_module(migration).seed(apps, None)


@pytest.fixture(autouse=True)
def reference_data(request):
    """Every database test finds the seeded rows, whatever ran before it: a live-server or
    transactional test that forgot `committing_db` flushes them for the tests after it."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            seed_reference_data()


@pytest.fixture
def committing_db(django_db_setup, django_db_blocker):
    """With `transactional_db` (or `live_server`) listed after it: a database that commits
    for real, as a request does, so `on_commit` runs an eager task before the response.

    Such a database is flushed after the test, rows seeded by data migrations included: they
    are seeded before the test and again after the flush, for the tests that follow."""
    with django_db_blocker.unblock():
        seed_reference_data()
    yield
    with django_db_blocker.unblock():
        seed_reference_data()
