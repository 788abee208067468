import datetime

import factory
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from partners.choices import OrganisationKind, Role
from partners.models import City, Membership, Organisation, Project

PASSWORD = "pass-Word-1234"


def city(code: str = "oujda") -> City:
    """Cities are seeded by a migration; tests use the real ones."""
    return City.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.LazyAttribute(lambda o: f"Association {o.slug}")
    kind = OrganisationKind.PARTNER


class DonorFactory(OrganisationFactory):
    slug = factory.Sequence(lambda n: f"donor-{n}")
    kind = OrganisationKind.DONOR


class IOMFactory(OrganisationFactory):
    slug = "iom-maroc"
    name = "OIM Maroc"
    kind = OrganisationKind.IOM


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"PRJ-{n}")
    title = factory.LazyAttribute(lambda o: f"Projet {o.code}")
    donor = factory.SubFactory(DonorFactory)
    start = datetime.date(2023, 1, 1)
    end = datetime.date(2026, 12, 31)
    currency = "USD"

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


def member(organisation: Organisation, role: str = Role.CASEWORKER, **kwargs):
    """A user with a membership of `organisation` in `role`."""
    user = UserFactory(**kwargs)
    Membership.objects.update_or_create(
        user=user, defaults={"organisation": organisation, "role": role}
    )
    return user


def api_token(user, name: str = "API") -> str:
    """The key of a new API token of `user`, made by the service as the user would."""
    from partners.services import api_token_create

    _token, key = api_token_create(user=user, name=name, acting_user=user)
    return key


def live_tokens(user) -> int:
    """How many of `user`'s API tokens still authenticate."""
    from core import clock
    from partners.models import ApiToken

    return ApiToken.objects.filter(user=user).live(clock.now()).count()


def sign_in_request(address: str = "127.0.0.1") -> HttpRequest:
    """The request to give Django's test `client.login(request=…, username=…, password=…)`:
    django-axes checks every sign-in against the lockout and refuses one without the request
    it comes from (a path that forgot it must fail, not skip the lockout)."""
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = address
    return request


def verified_device(user):
    """A confirmed second-factor device of `user` (an authenticator app made if they have
    none), for tests that sign in with the second factor done."""
    from django_otp import devices_for_user
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from partners import second_factor

    device = next(devices_for_user(user, confirmed=True), None)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        second_factor.forget(user)
    return device


def give_second_factor(client, user) -> None:
    """After a sign-in by password on `client`: the second factor given too, as the
    verification page does (django-otp's session key), for a user who must give one."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from partners import second_factor

    if not second_factor.second_factor_due(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()
