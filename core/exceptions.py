"""Errors the services raise besides Django's ValidationError and PermissionDenied."""

from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone else saved the record since the user loaded it (optimistic locking).

    `current` is the record as it is now, so the caller can show it and keep the user's input.
    """

    def __init__(self, current, message=None):
        self.current = current
        self.message = message or _(
            "Cette fiche a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte. "
            "Vos saisies sont conservées : vérifiez la version actuelle puis enregistrez à nouveau."
        )
        super().__init__(str(self.message))
