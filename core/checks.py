"""System checks of the encryption at rest (core.crypto, core.protected_files): run by
`manage.py check`, `migrate` and `runserver`, so a deployment without keys, or with its
protected files where a URL serves them, stops before it stores anything."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from core import crypto


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@checks.register(checks.Tags.security)
def protected_files_are_not_public(app_configs=None, **kwargs):
    protected = Path(settings.PROTECTED_FILES_ROOT).resolve()
    public = {
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "STATIC_ROOT": settings.STATIC_ROOT,
        **{f"STATICFILES_DIRS[{i}]": d for i, d in enumerate(settings.STATICFILES_DIRS)},
    }
    errors = []
    for setting, folder in public.items():
        if isinstance(folder, tuple):  # STATICFILES_DIRS' ("prefix", path) form
            folder = folder[1]
        if folder and _inside(protected, Path(folder).resolve()):
            errors.append(
                checks.Error(
                    f"PROTECTED_FILES_ROOT ({protected}) is inside {setting} ({folder}), "
                    "which the web server may serve: confidential documents would be public.",
                    hint="Keep PROTECTED_FILES_ROOT outside every public folder "
                    "(default: var/protected/).",
                    id="core.E001",
                )
            )
    return errors


@checks.register(checks.Tags.security)
def encryption_keys_are_set(app_configs=None, **kwargs):
    key_file = settings.ENCRYPTION_KEY_FILE
    if not settings.ENCRYPTION_KEYS and key_file and not Path(key_file).exists():
        return []  # the embedded default: made on first use
    try:
        crypto.configured_keys()
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                str(exc),
                hint="ENCRYPTION_KEYS: comma-separated Fernet keys, the current one first "
                "(README, 'Production environment').",
                id="core.E002",
            )
        ]
    return []
