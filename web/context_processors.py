from django.utils.functional import SimpleLazyObject

from assistance.choices import ReferralStatus
from assistance.models import Referral
from partners.access import actor_for


def _pending_referrals(actor):
    if not actor.is_partner_staff:
        return 0
    return Referral.objects.filter(
        to_organisation_id=actor.organisation_id, status=ReferralStatus.PENDING
    ).count()


def membership(request):
    """The signed-in user's role, for navigation by role, and the number of referrals waiting
    for an answer (counted only if a page shows it)."""
    actor = actor_for(getattr(request, "user", None))
    return {
        "actor": actor,
        "pending_referrals": SimpleLazyObject(lambda: _pending_referrals(actor)),
    }
