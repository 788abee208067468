"""What apps above reporting add to its pages, registered here (a hook: STYLE.md, "Layers").

reporting must not import the apps above it, yet the dashboard shows, for a selected project,
what its results framework (the `results` app) promised beside what was achieved. An app
registers in its AppConfig.ready():

- `register_dashboard_section(app=…, section=…)`: `section(request, scope, period)` returns
  None (nothing to show for this scope or viewer) or `(template_name, context)`, a block the
  dashboard includes after its indicator table. `scope` is the engine's Scope of the page's
  filters (`scope.project_id` None without a project), `period` the reporting Period.

Registering again under the same `app` replaces the section.
"""

from __future__ import annotations

from collections.abc import Callable

_dashboard_sections: dict[str, Callable] = {}


def register_dashboard_section(*, app: str, section: Callable) -> None:
    """Add `app`'s block to the dashboard (see above)."""
    _dashboard_sections[app] = section


def dashboard_sections(request, scope, period) -> list[tuple[str, dict]]:
    """The blocks the apps above add to the dashboard, for this viewer and these filters."""
    blocks = (section(request, scope, period) for section in _dashboard_sections.values())
    return [block for block in blocks if block is not None]
