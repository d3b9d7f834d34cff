"""The house rules issue 9 set, checked on the source so they cannot quietly erode: other apps react to a
dossier only through its hooks and panels, and import only its public surface; dossier templates load no
other app's tags; no long functions in the use cases, reads and views."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "procedures", "notifications", "dossiers", "payments", "postal", "common", "portal"]
# What payments and postal may import from dossiers (README, "Architecture").
DOSSIERS_PUBLIC = {"models", "services", "selectors", "policies", "hooks", "panels", "working_days"}
LONGEST_FUNCTION = 60


def sources(*apps: str):
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


@pytest.mark.parametrize("app", ["payments", "postal"])
def test_payments_and_postal_use_only_the_public_surface_of_dossiers(app):
    used = set()
    for path in sources(app):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "dossiers" and len(parts) > 1:
                # `from dossiers import services` names a module; `from dossiers.models import State` too.
                used.add((path.relative_to(ROOT).as_posix(), parts[1]))
    private = sorted((where, name) for where, name in used if name not in DOSSIERS_PUBLIC)
    assert not private, private
    assert {name for _, name in used} >= {"models", "hooks", "panels"}


def test_no_other_app_imports_the_views_of_dossiers():
    """A rule other apps need lives in dossiers' services, selectors or policies, never in a view."""
    apps = [path.parent.name for path in ROOT.glob("*/apps.py") if path.parent.name != "dossiers"]
    importers = sorted(
        path.relative_to(ROOT).as_posix()
        for path in sources(*apps)
        if any(module.split(".")[:2] == ["dossiers", "views"] for module in imported_modules(path))
    )
    assert "integrations" in apps and not importers, importers


def test_no_app_listens_to_django_fsm_signals_outside_dossiers():
    listeners = [
        path.relative_to(ROOT).as_posix()
        for path in sources(*APPS)
        if "post_transition" in path.read_text(encoding="utf-8")
        or "pre_transition" in path.read_text(encoding="utf-8")
    ]
    assert all(where.startswith("dossiers/") for where in listeners), listeners


def test_dossier_templates_load_only_dossier_tags():
    loads = set()
    for path in (ROOT / "templates" / "dossiers").rglob("*.html"):
        for match in re.finditer(r"{%\s*load\s+([^%]+)%}", path.read_text(encoding="utf-8")):
            loads.update(match.group(1).split())
    allowed = {
        "i18n",
        "static",
        "l10n",
        "tz",
        "humanize",
        "cache",
        "dossier_panels",
        "portal_format",
    }  # portal_format: common
    assert loads <= allowed, loads - allowed


def test_no_function_in_services_selectors_or_views_is_longer_than_60_lines():
    long_ones = []
    for path in sources(*APPS):
        relative = path.relative_to(ROOT)
        if not any(part.startswith(("services", "selectors", "views")) for part in relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > LONGEST_FUNCTION:
                    long_ones.append(f"{relative}:{node.lineno} {node.name} ({length} lines)")
    assert not long_ones, long_ones


def test_every_dossier_event_action_is_a_declared_choice():
    """Services name actions through DossierEvent.Action: a bare string would bypass the choices."""
    bare = []
    for path in sources("dossiers", "payments", "postal"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\.record\(\s*\"", text):
            bare.append(f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}")
    assert not bare, bare
