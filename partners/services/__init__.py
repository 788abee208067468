"""Writes of the partners app: organisations, projects and their closed periods, users and
their memberships, passwords and API tokens (one module each; every service is importable
from here).

Closing and reopening a project's period (IOM officers), unlocking a sign-in (officers,
managers for their own organisation), the members page's services (inviting a user,
withdrawing and restoring access) and the password and token services (who acts on whose
account) check their role in the service. The others check none: the admin site (IOM officers
only), the API's role gates and the ops commands (the operator's shell) decide who reaches
them. `acting_user` is who the audit trail names: the signed-in user, or SYSTEM (the default,
audited as nobody); None is refused.
"""

from partners.services.lockouts import sign_in_unlock
from partners.services.memberships import (
    MEMBERSHIP_EDITABLE,
    member_invite,
    membership_create,
    membership_deactivate,
    membership_reactivate,
    membership_set_language,
    membership_update,
    user_upsert,
)
from partners.services.organisations import (
    ORGANISATION_EDITABLE,
    organisation_create,
    organisation_update,
    organisation_upsert,
    reference_sequence_configure,
)
from partners.services.passwords import (
    password_change,
    password_reset_by_staff,
    password_set_in_admin,
)
from partners.services.periods import period_close, period_reopen
from partners.services.projects import (
    PROJECT_CHANGEABLE,
    PROJECT_EDITABLE,
    project_create,
    project_update,
    project_upsert,
)
from partners.services.tokens import (
    api_token_create,
    api_token_mark_used,
    api_token_revoke,
    api_tokens_revoke_all,
)

__all__ = [
    "MEMBERSHIP_EDITABLE",
    "ORGANISATION_EDITABLE",
    "PROJECT_CHANGEABLE",
    "PROJECT_EDITABLE",
    "api_token_create",
    "api_token_mark_used",
    "api_token_revoke",
    "api_tokens_revoke_all",
    "member_invite",
    "membership_create",
    "membership_deactivate",
    "membership_reactivate",
    "membership_set_language",
    "membership_update",
    "organisation_create",
    "organisation_update",
    "organisation_upsert",
    "password_change",
    "password_reset_by_staff",
    "password_set_in_admin",
    "period_close",
    "period_reopen",
    "project_create",
    "project_update",
    "project_upsert",
    "reference_sequence_configure",
    "sign_in_unlock",
    "user_upsert",
]
