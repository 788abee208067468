"""Who is the requesting user, for scoping: their membership, role and organisation.

The querysets' `visible_to(user)` methods (one per model) all start from here. partners owns
memberships and roles, so it answers core's two scoping questions too (core.scoping,
registered in PartnersConfig.ready()).

`SYSTEM` is the operator behind the ops commands and the beat tasks: services that accept it
trust it by name (`acting_user is SYSTEM`), audit it as nobody (actor NULL), and refuse
`acting_user=None` instead of guessing (`require_acting_user`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from partners.choices import Role

_CACHE_ATTR = "_iom_actor"


@dataclass(frozen=True)
class Actor:
    """What scoping needs to know about a user."""

    is_authenticated: bool
    role: str | None
    organisation_id: int | None
    is_superuser: bool = False
    # A manager or an officer reset the password: the change page comes before anything else.
    must_change_password: bool = False
    # The second factor's facts (partners.second_factor), read by the same query as the
    # membership so that the check on every request costs nothing more; None without one.
    second_factor: tuple[bool, bool] | None = None

    @property
    def has_access(self) -> bool:
        """Signed in with a live membership (or a superuser): anyone else is signed out."""
        return self.is_authenticated and (self.is_superuser or self.role is not None)

    @property
    def sees_everything(self) -> bool:
        return self.is_authenticated and (self.is_superuser or self.role == Role.IOM_OFFICER)

    @property
    def is_partner_staff(self) -> bool:
        return self.role in (Role.CASEWORKER, Role.PARTNER_MANAGER) and bool(self.organisation_id)

    @property
    def unlocks_sign_ins(self) -> bool:
        """IOM officers (any account or address) and partner managers (their organisation's
        accounts) may lift a sign-in lockout before its cool-down ends."""
        return self.sees_everything or (
            self.role == Role.PARTNER_MANAGER and bool(self.organisation_id)
        )

    @property
    def is_donor(self) -> bool:
        return self.role == Role.DONOR and bool(self.organisation_id)

    @property
    def works_on_records(self) -> bool:
        """Partner staff and IOM officers: the roles that reach personal records at all (which
        ones, `visible_to` decides). Donors and users without a role never do."""
        return self.sees_everything or self.is_partner_staff


ANONYMOUS = Actor(is_authenticated=False, role=None, organisation_id=None)


class _System:
    """The operator at the command line and the scheduled tasks: not a user (no row, no
    membership). Audit entries and `created_by` fields record it as nobody (NULL)."""

    pk = None
    is_authenticated = False
    is_active = False
    is_superuser = False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def require_acting_user(acting_user) -> None:
    """Refuse a missing actor: a service is called for a user, or for SYSTEM, never for None
    (which used to mean "the trusted operator" silently)."""
    if acting_user is None:
        raise TypeError(
            "acting_user is required: the signed-in user, or partners.access.SYSTEM for the "
            "ops commands and scheduled tasks"
        )


def actor_for(user) -> Actor:
    """The scoping facts of `user`, cached on the user object for the request. SYSTEM, like
    an anonymous user, sees nothing through `visible_to`: the services that trust it say so."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    # Inside the function: partners.models imports this module for its querysets.
    from partners.models import Membership
    from partners.second_factor import enrolled_subquery

    # A membership gives access while it and its organisation are both active.
    membership = (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .only("role", "organisation_id", "must_change_password")
        .annotate(
            organisation_requires=F("organisation__requires_second_factor"),
            enrolled=enrolled_subquery(),
        )
        .first()
    )
    actor = Actor(
        is_authenticated=True,
        role=membership.role if membership else None,
        organisation_id=membership.organisation_id if membership else None,
        is_superuser=user.is_superuser,
        must_change_password=bool(membership and membership.must_change_password),
        second_factor=(membership.organisation_requires, membership.enrolled)
        if membership
        else None,
    )
    setattr(user, _CACHE_ATTR, actor)
    return actor


def forget_actor(user) -> None:
    """Drop the cached scoping facts (after a membership change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def sees_everything(user) -> bool:
    """IOM officers and superusers (core.scoping's first question)."""
    return actor_for(user).sees_everything


def works_on_records(user) -> bool:
    """Partner staff and IOM officers (core.scoping's second question)."""
    return actor_for(user).works_on_records


def organisation_of(user) -> int | None:
    """The organisation `user` works for now, if any (core.access's hook: the access log
    keeps it with each entry)."""
    return actor_for(user).organisation_id
