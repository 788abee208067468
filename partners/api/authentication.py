"""Token authentication for programs (kept apart from the views: DRF imports it early)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from partners.access import actor_for


class MemberTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a user whose access was revoked (membership or
    organisation deactivated), as partners.auth.MemberBackend does for sessions and sign-in."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not actor_for(user).has_access:
            raise exceptions.AuthenticationFailed(_("Accès retiré."))
        return user, token
