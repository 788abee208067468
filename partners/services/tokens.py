"""Writes of API tokens: make one (the key is returned once, never stored), revoke one or all
of a user's, and note when one was last used.

A token dies when its user revokes it, when their password changes or is reset
(partners.services.passwords), and when their access ends: membership or organisation
deactivated, or moved to another organisation (`end_api_access`, called by those services).
Authentication also refuses any user without a live membership (partners.api.authentication).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import clock
from core.audit import audit_log
from core.models import AuditEntry
from core.text import plain_text
from partners.access import require_acting_user
from partners.models import ApiToken

DEFAULT_NAME = "API"
# A user keeps at most this many live tokens (each POST to the token endpoint makes one): a
# script should keep its token until it expires, not ask for one on every run.
MAX_LIVE_TOKENS = 50
# `last_used_at` is written at most this often per token, not on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class RevokedBecause:
    """Why tokens die (written in the audit entry of each one)."""

    USER = "revoked"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason's code, not a password)
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a reason's code, not a password)
    ACCESS_ENDED = "access_ended"


def hash_key(key: str) -> str:
    """The SHA-256 of a key, as stored and looked up."""
    return hashlib.sha256(key.encode()).hexdigest()


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)


@transaction.atomic
def api_token_create(*, user, name: str = "", acting_user) -> tuple[ApiToken, str]:
    """Make a token for `user`, named `name` ("API" when blank), expiring after
    settings.API_TOKEN_TTL_DAYS. Returns the token and its key: the only time the key exists
    outside the client. Audited without the key or its hash. A user makes tokens for
    themselves only."""
    require_acting_user(acting_user)
    if getattr(acting_user, "pk", None) != user.pk:
        raise ValidationError(_("Un jeton d'API se crée pour soi-même."))
    # The user's row locked: two requests at once cannot both pass the bound below.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    now = clock.now()
    if ApiToken.objects.filter(user=user).live(now).count() >= MAX_LIVE_TOKENS:
        raise ValidationError(
            ngettext(
                "Vous avez déjà %(count)s jeton actif : révoquez ceux qui ne servent plus "
                "depuis la page « Mon compte ».",
                "Vous avez déjà %(count)s jetons actifs : révoquez ceux qui ne servent plus "
                "depuis la page « Mon compte ».",
                MAX_LIVE_TOKENS,
            )
            % {"count": MAX_LIVE_TOKENS}
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=plain_text(name or "") or DEFAULT_NAME,
        key_hash=hash_key(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + token_lifetime(),
    )
    token.full_clean()
    token.save()
    audit_log(
        actor=acting_user,
        action=AuditEntry.Action.CREATE,
        instance=token,
        changes={
            "user": user.pk,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, key


def _revoke(tokens, *, acting_user, reason: str) -> int:
    """Revoke the live tokens of `tokens` (a queryset), one audit entry each."""
    now = clock.now()
    revoked = list(tokens.select_for_update().filter(revoked_at__isnull=True))
    for token in revoked:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_log(
            actor=acting_user,
            action=AuditEntry.Action.UPDATE,
            instance=token,
            changes={"revoked_at": [None, now.isoformat()], "reason": reason},
        )
    return len(revoked)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user) -> ApiToken:
    """Revoke one token of the acting user (another user's token: refused; the pages look
    it up through `ApiToken.objects.visible_to`, so they answer 404 first)."""
    require_acting_user(acting_user)
    if token.user_id != getattr(acting_user, "pk", None):
        raise ValidationError(_("Ce jeton n'est pas le vôtre."))
    _revoke(
        ApiToken.objects.filter(pk=token.pk), acting_user=acting_user, reason=RevokedBecause.USER
    )
    token.refresh_from_db(fields=["revoked_at"])
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user, acting_user, reason: str = RevokedBecause.USER) -> int:
    """Revoke every token of `user`; returns how many were live. Called by the user (their
    page), and by the services that end a password or an access."""
    require_acting_user(acting_user)
    return _revoke(ApiToken.objects.filter(user=user), acting_user=acting_user, reason=reason)


def end_api_access(users, *, acting_user) -> int:
    """Revoked users' API tokens die with their access (their session is refused at the
    next request by partners.auth.MemberBackend). Inside the caller's transaction."""
    tokens = ApiToken.objects.filter(user__in=users)
    return _revoke(tokens, acting_user=acting_user, reason=RevokedBecause.ACCESS_ENDED)


def api_token_mark_used(*, token: ApiToken) -> None:
    """Note that `token` authenticated a request now, at most once per minute per token (a
    write on every request would cost more than the answer). Not audited: bookkeeping."""
    now = clock.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    # Conditional, so two requests in the same minute write once.
    stale = now - LAST_USED_PRECISION
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=stale).update(last_used_at=now)
    token.last_used_at = now
