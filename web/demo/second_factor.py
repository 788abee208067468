"""The demo users' second factor: backup codes, made afresh on every run of `manage.py demo`
(so `make run` always prints codes that work) for each demo user who needs a second factor
(partners.second_factor: the officer and the manager). A newcomer signs in with the password,
then one of these codes, and may enrol an authenticator app from the account menu.

Never in production: the codes are printed in clear, so they are made only when DEBUG is on
(`make run` turns it on); otherwise refused.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from partners.access import SYSTEM
from partners.second_factor import second_factor_required
from partners.services.second_factor import backup_codes_regenerate
from web.demo.reference import USERS


def demo_backup_codes() -> dict[str, list[str]]:
    """Fresh backup codes of every demo user who needs a second factor, by username (the
    codes printed before stop working)."""
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "Demo backup codes are printed in clear: they are made only with DEBUG on, "
            "never in production."
        )
    codes = {}
    users = get_user_model().objects.filter(username__in=[u for u, _org, _role in USERS])
    for user in users.order_by("username"):
        if second_factor_required(user):
            codes[user.username] = backup_codes_regenerate(user=user, acting_user=SYSTEM)
    return codes
