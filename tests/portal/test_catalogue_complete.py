"""Every message the code and templates show has its Vietnamese: `makemessages` run over the tree into a
copy of the catalogue must find nothing new (an English string in the Vietnamese UI) and leave nothing fuzzy
(a string whose wording changed while the old translation stayed)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.skipif(shutil.which("msgattrib") is None, reason="needs GNU gettext")


def entries(po: Path, *flags: str) -> list[str]:
    command = ["msgattrib", *flags, "--no-wrap", str(po)]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_every_message_of_the_code_is_translated_into_vietnamese(tmp_path, monkeypatch):
    # makemessages writes the catalogue of the tree it runs in (whatever LOCALE_PATHS says): run it in a copy
    # of the sources, so the real catalogue is never touched.
    root = Path(settings.BASE_DIR)
    skipped = {".venv", "var", "build", "tests", "bench", "static", ".git", "locale", "locale_allauth"}
    for entry in root.iterdir():
        if entry.name in skipped or entry.name.startswith(".") or entry.name.startswith("locale_"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, tmp_path / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
    catalogue = tmp_path / "locale" / "vi" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    shutil.copy(root / "locale/vi/LC_MESSAGES/django.po", catalogue / "django.po")
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(tmp_path / "locale")])
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["vi"], no_obsolete=True, verbosity=0)
    merged = catalogue / "django.po"
    assert not entries(merged, "--untranslated"), "no Vietnamese yet: add it to locale/vi/…/django.po"
    assert not entries(merged, "--only-fuzzy"), "the English changed, the Vietnamese did not: update it"


def test_translation_functions_go_by_names_makemessages_knows():
    """`gettext_lazy as _lazy` hides every string behind it from makemessages (xgettext knows `_`,
    `gettext_lazy`, `pgettext_lazy`… by name): the strings vanish from the catalogue at the next run and the
    Vietnamese UI turns English."""
    aliased = re.compile(r"import .*\b(?:n|p|np)?gettext(?:_lazy|_noop)? as (?!_\b)\w+")
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in Path(settings.BASE_DIR).glob("*/**/*.py")
        if not path.is_relative_to(Path(settings.BASE_DIR) / ".venv")
        for match in aliased.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders
