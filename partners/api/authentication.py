"""Token authentication for programs (kept apart from the views: DRF imports it early)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core import clock
from partners.access import actor_for
from partners.models import ApiToken
from partners.services.tokens import api_token_mark_used, hash_key


class MemberTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with the project's own tokens (partners.models.ApiToken):
    looked up by the key's hash, refused when expired or revoked, and refused for a user whose
    access was revoked (membership or organisation deactivated), as partners.auth.MemberBackend
    does for sessions and sign-in. Each refusal says why, with a 401."""

    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Jeton invalide."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("Ce jeton a été révoqué : demandez-en un nouveau.")
            )
        if token.expires_at <= clock.now():
            raise exceptions.AuthenticationFailed(_("Ce jeton a expiré : demandez-en un nouveau."))
        user = token.user
        if not user.is_active or not actor_for(user).has_access:
            raise exceptions.AuthenticationFailed(_("Accès retiré."))
        api_token_mark_used(token=token)
        return user, token
