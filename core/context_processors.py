from core.access import actor_for


def membership(request):
    """The signed-in user's role, for navigation by role."""
    actor = actor_for(getattr(request, "user", None))
    return {"actor": actor}
