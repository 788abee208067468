"""`manage.py rotate_encryption_key [--dry-run] [--batch-size N]`: re-encrypt every registered
encrypted column and protected file with the current key (core.key_rotation).

The procedure (also in the help): 1. a new key (`manage.py generate_encryption_key`) FIRST in
ENCRYPTION_KEYS, the old one kept after it, every process restarted (web, worker, beat); 2. this
command; 3. the old key dropped from ENCRYPTION_KEYS, every process restarted. Idempotent: a
second run re-encrypts nothing. Exits 1 when a token no key opens, or a file that is gone,
was found (their row ids are printed): drop no key before that is understood.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import crypto
from core.key_rotation import rotate_all

SHOWN = 20  # row ids printed per column; the count says the rest


def _ids(values: list) -> str:
    return ", ".join(str(value) for value in values[:SHOWN]) + (" …" if len(values) > SHOWN else "")


class Command(BaseCommand):
    help = _(
        "Rechiffre avec la clé courante toutes les colonnes et tous les fichiers chiffrés. "
        "Procédure : 1. générer une clé (manage.py generate_encryption_key) et la placer EN "
        "PREMIER dans ENCRYPTION_KEYS, l'ancienne après elle, puis redémarrer tous les "
        "processus ; 2. lancer cette commande ; 3. retirer l'ancienne clé de ENCRYPTION_KEYS "
        "et redémarrer. Sans effet si tout est déjà chiffré avec la clé courante."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Ne rien écrire : compter seulement.")
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help=_("Lignes par transaction (500 par défaut)."),
        )

    def handle(self, *args, dry_run=False, batch_size=500, **options):
        try:
            keys = crypto.configured_keys()
            results = rotate_all(batch_size=max(1, batch_size), dry_run=dry_run)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            ngettext(
                "%(counter)s clé configurée ; la première chiffre.",
                "%(counter)s clés configurées ; la première chiffre.",
                len(keys),
            )
            % {"counter": len(keys)}
        )
        failed = False
        for result in results:
            rotated, current = result.rotated, result.current
            unreadable, missing = len(result.unreadable), len(result.missing)
            parts = [
                (
                    ngettext("%(counter)s à rechiffrer", "%(counter)s à rechiffrer", rotated)
                    if dry_run
                    else ngettext("%(counter)s rechiffré", "%(counter)s rechiffrés", rotated)
                )
                % {"counter": rotated},
                ngettext(
                    "%(counter)s déjà avec la clé courante",
                    "%(counter)s déjà avec la clé courante",
                    current,
                )
                % {"counter": current},
                ngettext("%(counter)s illisible", "%(counter)s illisibles", unreadable)
                % {"counter": unreadable},
            ]
            if missing:
                parts.append(
                    ngettext("%(counter)s fichier absent", "%(counter)s fichiers absents", missing)
                    % {"counter": missing}
                )
            self.stdout.write(f"{result.label} : {', '.join(parts)}")
            if result.unreadable:
                failed = True
                self.stdout.write(
                    _("  illisibles (aucune clé ne les ouvre), lignes : %(ids)s")
                    % {"ids": _ids(result.unreadable)}
                )
            if result.missing:
                failed = True
                self.stdout.write(
                    _("  fichiers absents, lignes : %(ids)s") % {"ids": _ids(result.missing)}
                )
        if not results:
            self.stdout.write(_("Aucune colonne chiffrée n'est enregistrée."))
        if failed:
            raise CommandError(
                _(
                    "Des données ne peuvent pas être rechiffrées : ne retirez aucune clé "
                    "avant d'avoir compris pourquoi."
                )
            )
