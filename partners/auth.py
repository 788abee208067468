"""Who may sign in, and stay signed in."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from partners.access import actor_for


class MemberBackend(ModelBackend):
    """Django's password backend, for users whose access is live: an active user with an
    active membership in an active organisation (or a superuser).

    `user_can_authenticate` is asked both at sign-in and when a session is read back on every
    request, so revoking a membership (or deactivating its organisation, or the user) signs
    the user out of every page at their next request, without a session sweep.
    """

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and actor_for(user).has_access
