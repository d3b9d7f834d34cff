"""Every message the code and templates show has its Vietnamese: `makemessages` run over the tree into a
copy of the catalogue must find nothing new (an English string in the Vietnamese UI) and leave nothing fuzzy
(a string whose wording changed while the old translation stayed)."""

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
    catalogue = tmp_path / "locale" / "vi" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    shutil.copy(Path(settings.BASE_DIR) / "locale/vi/LC_MESSAGES/django.po", catalogue / "django.po")
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(tmp_path / "locale")])
    monkeypatch.chdir(settings.BASE_DIR)
    call_command(
        "makemessages",
        locale=["vi"],
        ignore_patterns=[".venv", "var", "build", "tests", "bench", "static"],
        no_obsolete=True,
        verbosity=0,
    )
    merged = catalogue / "django.po"
    assert not entries(merged, "--untranslated"), "no Vietnamese yet: add it to locale/vi/…/django.po"
    assert not entries(merged, "--only-fuzzy"), "the English changed, the Vietnamese did not: update it"
