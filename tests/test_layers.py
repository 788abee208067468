"""The apps form layers (README, "Architecture"): an app imports only the apps below it, never
one above, not even inside a function, and no two apps import each other.

Every module of the project is read (its syntax tree, not imported), migrations and tests
left out; `import x` and `from x import y` count wherever they stand. A lower app that must
react to a higher one offers a hook the higher one registers with (core.scoping,
beneficiaries.hooks): a registration names no import of the lower app's caller.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The layers, lowest first: declared here once; README's architecture section lists the same
# apps in the same order (test_the_readme_lists_the_layers_in_this_order).
LAYERS = [
    "core",  # audit, API base, idempotency, countries, text cleaning, clock: no domain app
    "frameworks",  # axes and sub-themes, SDG/GCM/SNIA objectives: code lists (DESIGN.md §9)
    "partners",  # organisations, projects and their closed periods, memberships, roles
    "beneficiaries",
    "assistance",
    "cases",  # case work (DESIGN.md section 7): cases, plans, follow-ups, notes, documents
    "capacity",  # capacity building: trainings, workshops, coordination meetings
    "reporting",
    "results",  # a project's results framework: expected results and targets (§9)
    "bilans",
    "web",  # home page, navigation context, demo data
    "iom_cases",  # the project: settings, URLs, Celery
]
# Top-level packages that are not apps of the layering.
NOT_APPS = {"tests", "benchmarks", "scripts"}


def project_apps(root: Path) -> list[str]:
    return sorted(
        path.name
        for path in root.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in NOT_APPS
    )


def imported_apps(path: Path, apps: set[str]):
    """(app, line) for every import of one of `apps` in the module at `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue  # relative imports stay inside their package
        for name in names:
            top = name.split(".")[0]
            if top in apps:
                yield top, node.lineno


def app_imports(root: Path) -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) → where ("path:line"), over every project module."""
    apps = project_apps(root)
    edges: dict[tuple[str, str], list[str]] = {}
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            for target, line in imported_apps(path, set(apps)):
                if target != app:
                    edges.setdefault((app, target), []).append(f"{relative}:{line}")
    return edges


def layering_problems(root: Path, layers: list[str]) -> list[str]:
    """Every app the layering does not place, every upward import, every cycle."""
    rank = {app: index for index, app in enumerate(layers)}
    edges = app_imports(root)
    problems = [
        f"{app}: not in the layers (declare it in tests/test_layers.py and README)"
        for app in project_apps(root)
        if app not in rank
    ]
    for (source, target), where in sorted(edges.items()):
        if source in rank and target in rank and rank[target] > rank[source]:
            problems.append(f"{source} imports {target}, a layer above it: {', '.join(where)}")
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)

    def reaches(start: str) -> set[str]:
        seen, stack = set(), [start]
        while stack:
            for following in graph.get(stack.pop(), ()):
                if following not in seen:
                    seen.add(following)
                    stack.append(following)
        return seen

    reach = {app: reaches(app) for app in graph}
    pairs = {tuple(sorted((app, other))) for app in graph for other in reach[app] if other != app}
    for first, second in sorted(pairs):
        if first in reach.get(second, set()) and second in reach.get(first, set()):
            problems.append(f"cycle: {first} and {second} import each other (directly or not)")
    return problems


def test_the_apps_form_layers():
    assert not layering_problems(ROOT, LAYERS), "\n".join(layering_problems(ROOT, LAYERS))


def test_every_app_is_read():
    """The walk finds the apps and their imports, so the test above cannot pass empty."""
    apps = set(project_apps(ROOT))
    assert {"core", "partners", "beneficiaries", "assistance", "reporting", "bilans"} <= apps
    assert {"web", "iom_cases"} <= apps
    edges = app_imports(ROOT)
    assert ("assistance", "partners") in edges and ("bilans", "reporting") in edges


def test_the_readme_lists_the_layers_in_this_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1]
    listed = [m.group(1) for m in re.finditer(r"^(\w+)/", block, re.MULTILINE)]
    assert [app for app in listed if app in LAYERS] == LAYERS


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


GOOD = {
    "core/__init__.py": "",
    "core/audit.py": "import json\n",
    "partners/__init__.py": "",
    "partners/models.py": "from core.audit import json\n",
    "partners/migrations/0002_x.py": "import bilans\n",  # migrations are history: not read
    "bilans/__init__.py": "",
    "bilans/views.py": "import partners.models\nfrom . import views\n",
}


@pytest.mark.parametrize(
    ("added", "problem"),
    [
        ({"core/views.py": "from partners.models import x\n"}, "core imports partners"),
        (
            {"core/views.py": "def home():\n    from bilans import views\n"},
            "core imports bilans",
        ),
        ({"partners/demo.py": "import bilans.views as v\n"}, "partners imports bilans"),
        ({"unplaced/__init__.py": ""}, "unplaced: not in the layers"),
    ],
)
def test_an_upward_import_anywhere_fails(tmp_path, added, problem):
    layers = ["core", "partners", "bilans"]
    assert layering_problems(_write(tmp_path, GOOD), layers) == []
    problems = layering_problems(_write(tmp_path, added), layers)
    assert any(problem in line for line in problems), problems


def test_a_cycle_fails(tmp_path):
    _write(tmp_path, GOOD)
    _write(tmp_path, {"x/__init__.py": "import y\n", "y/__init__.py": "def f():\n    import x\n"})
    problems = layering_problems(tmp_path, ["core", "partners", "bilans", "x", "y"])
    assert problems == [
        "x imports y, a layer above it: x/__init__.py:1",
        "cycle: x and y import each other (directly or not)",
    ]
    # Unplaced apps are named, and their cycles still count.
    problems = layering_problems(tmp_path, ["core", "partners", "bilans"])
    assert "cycle: x and y import each other (directly or not)" in problems
