"""`manage.py generate_encryption_key`: print a new random Fernet key for ENCRYPTION_KEYS, the
same as `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`
Nothing is stored: the operator puts it in the environment and keeps a copy apart from the data."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core import crypto


class Command(BaseCommand):
    help = _(
        "Affiche une nouvelle clé de chiffrement pour ENCRYPTION_KEYS (rien n'est enregistré). "
        "Pour changer de clé : voir rotate_encryption_key."
    )
    requires_system_checks = []  # a first key is made before the settings have one

    def handle(self, *args, **options):
        self.stdout.write(crypto.generate_key())
