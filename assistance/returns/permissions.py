"""Who may write in a return case."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from assistance.returns.models import ReturnCase
from partners.permissions import require_writer


def require_case_writer(acting_user, case: ReturnCase) -> None:
    """Only the organisation that opened a return case (or IOM) moves it on or records in it.
    The person's own organisation sees the case; seeing is not writing."""
    actor = require_writer(acting_user)
    if not actor.sees_everything and case.organisation_id != actor.organisation_id:
        raise PermissionDenied(_("Seule l'organisation qui a ouvert ce dossier peut le modifier."))
