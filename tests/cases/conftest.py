"""Fixtures of the case work tests: documents are stored in a folder of the test's own."""

import pytest


@pytest.fixture(autouse=True)
def protected_root(settings, tmp_path):
    """core.protected_files writes under a fresh folder, never under var/."""
    settings.PROTECTED_FILES_ROOT = tmp_path / "protected"
    return settings.PROTECTED_FILES_ROOT
