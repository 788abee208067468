"""Who is the requesting user, for scoping: their membership, role and organisation.

The querysets' `visible_to(user)` methods (one per model) all start from here.
"""

from __future__ import annotations

from dataclasses import dataclass

_CACHE_ATTR = "_iom_actor"


@dataclass(frozen=True)
class Actor:
    """What scoping needs to know about a user."""

    is_authenticated: bool
    role: str | None
    organisation_id: int | None
    is_superuser: bool = False

    @property
    def has_access(self) -> bool:
        """Signed in with a live membership (or a superuser): anyone else is signed out."""
        return self.is_authenticated and (self.is_superuser or self.role is not None)

    @property
    def sees_everything(self) -> bool:
        from partners.choices import Role

        return self.is_authenticated and (self.is_superuser or self.role == Role.IOM_OFFICER)

    @property
    def is_partner_staff(self) -> bool:
        from partners.choices import Role

        return self.role in (Role.CASEWORKER, Role.PARTNER_MANAGER) and bool(self.organisation_id)

    @property
    def is_donor(self) -> bool:
        from partners.choices import Role

        return self.role == Role.DONOR and bool(self.organisation_id)


ANONYMOUS = Actor(is_authenticated=False, role=None, organisation_id=None)


def actor_for(user) -> Actor:
    """The scoping facts of `user`, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from partners.models import Membership

    # A membership gives access while it and its organisation are both active.
    membership = (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .only("role", "organisation_id")
        .first()
    )
    actor = Actor(
        is_authenticated=True,
        role=membership.role if membership else None,
        organisation_id=membership.organisation_id if membership else None,
        is_superuser=user.is_superuser,
    )
    setattr(user, _CACHE_ATTR, actor)
    return actor


def forget_actor(user) -> None:
    """Drop the cached scoping facts (after a membership change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
