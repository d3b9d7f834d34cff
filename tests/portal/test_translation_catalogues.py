"""The Vietnamese catalogues: the portal's words do not change a dependency's, no dependency's message is left
in English, and the reader is "Ông/Bà" everywhere.

Django takes a msgid's translation from the first catalogue that has it: settings.LOCALE_PATHS in order
(locale/, written by makemessages; then the hand-maintained locale_allauth/ and locale_dependencies/), then
the installed apps' own catalogues, then Django's. So a context-less msgid of ours is also the Vietnamese of
every dependency that uses the same msgid: "Code" once labelled the staff two-factor box "Mã hồ sơ", "New"
called the new rows of the catalogue import "Mới nộp". A short word that means different things here gets a
context (pgettext_lazy, {% translate "…" context "…" %}); an override kept on purpose is in
DELIBERATE_OVERRIDES, with the reason.
"""

import ast
import functools
import gettext
import re
import sys
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.conf import settings

Key = tuple[str | None, str]  # (msgctxt, msgid)

DJANGO_DIR = Path(django.__file__).parent

# Dependencies that ship no Vietnamese, and the catalogue of ours that holds theirs (in LOCALE_PATHS).
STAND_INS = {"allauth": "locale_allauth", "import_export": "locale_dependencies"}

# (our catalogue, msgctxt, msgid) whose Vietnamese differs from a dependency's on purpose.
DELIBERATE_OVERRIDES = {
    # The same sense, in the portal's words.
    ("locale", None, "Save"): "“Lưu” everywhere; the admin's “Lưu lại” is the same button",
    ("locale", None, "Please correct the error below."): "the portal's form wording, also the admin's",
    ("locale", None, "Administration"): "the header link to the admin; Django's “Quản trị website”",
    ("locale", None, "Permissions"): "“Quyền hạn” on the user page; Django's “Quyền”",
    ("locale", None, "users"): "one word for users everywhere: “người dùng”, not “người sử dụng”",
    ("locale", None, "version"): "Django's Vietnamese leaves “version” in English",
    ("locale_allauth", None, "Remove"): "allauth's “Xóa” (an address, a key); the admin's “Gỡ bỏ”",
    ("locale_allauth", None, "Add"): "allauth's “Thêm”; the admin's “Thêm vào” says the same",
    ("locale_allauth", None, "Save"): "as in locale/",
    ("locale_allauth", None, "Username"): "“Tên đăng nhập”, as the sign-in pages say; DRF's “Tên người dùng”",
    ("locale_allauth", None, "Key"): "“Khóa”, the portal's spelling; DRF's “Khoá”",
    ("locale_allauth", None, "This account is inactive."): "“không hoạt động”: the account exists but is off",
    ("locale_allauth", None, "Are you sure?"): "the Ông/Bà register; Django's says “Bạn”",
    # locale_dependencies/ exists to replace dependencies' Vietnamese; replacing one that says "bạn" needs no
    # entry here (the register), any other replacement does.
    ("locale_dependencies", None, "Please correct the error below."): "Django's old “Hãy sửa lỗi sai”",
    ("locale_dependencies", None, "Value must be valid JSON."): "Django's JSON field; DRF shares the msgid",
    (
        "locale_dependencies",
        None,
        "Action:",
    ): "the admin's action list: “Thao tác”, not “Hoạt động” (activity)",
    (
        "locale_dependencies",
        None,
        " By %(filter_title)s ",
    ): "the admin's filters: “Theo loại”, not “Bởi loại”",
}

# Dependency messages that need no Vietnamese: never shown by the portal (it offers vi and en only; no
# page runs with DEBUG's welcome page; developer-only errors raised by code, not shown to people).
NEVER_SHOWN = re.compile(
    r"^(Afrikaans|Arabic|Algerian Arabic|Asturian|Azerbaijani|Bulgarian|Belarusian|Bengali|Breton|Bosnian|"
    r"Catalan|Central Kurdish \(Sorani\)|Czech|Welsh|Danish|German|Lower Sorbian|Greek|English|"
    r"Australian English|British English|Esperanto|Spanish|Argentinian Spanish|Colombian Spanish|"
    r"Mexican Spanish|Nicaraguan Spanish|Venezuelan Spanish|Estonian|Basque|Persian|Finnish|French|Frisian|"
    r"Irish|Scottish Gaelic|Galician|Hebrew|Hindi|Croatian|Upper Sorbian|Hungarian|Armenian|Interlingua|"
    r"Indonesian|Igbo|Ido|Icelandic|Italian|Japanese|Georgian|Kabyle|Kazakh|Khmer|Kannada|Korean|Kyrgyz|"
    r"Luxembourgish|Lithuanian|Latvian|Macedonian|Malayalam|Mongolian|Marathi|Malay|Burmese|Norwegian Bokmål|"
    r"Nepali|Dutch|Norwegian Nynorsk|Ossetic|Punjabi|Polish|Portuguese|Brazilian Portuguese|Romanian|Russian|"
    r"Slovak|Slovenian|Albanian|Serbian|Serbian Latin|Swedish|Swahili|Tamil|Telugu|Tajik|Thai|Turkmen|"
    r"Turkish|Tatar|Udmurt|Uyghur|Ukrainian|Urdu|Uzbek|Vietnamese|Simplified Chinese|Traditional Chinese)$"
    r"|The install worked successfully|release notes|DEBUG=True|^Django Documentation$|^Topics, references"
    r"|Polling App|^Get started with Django$|^Django Community$|^Connect, get help"
    r"|perfectionists with deadlines"
    r"|allow_empty|^Page is not “last”|ManagementForm data|inline value did not match|get_absolute_url\(\)"
    r"|^Content type %\(ct_id\)s object"
)

BAN = re.compile(r"(?<!\w)bạn(?!\w)", re.IGNORECASE)


# --- reading catalogues ------------------------------------------------------------------------------------
def read_po(path: Path, *, keep_empty: bool = False) -> dict[Key, str]:
    return parse_po(path.read_text(encoding="utf-8"), keep_empty=keep_empty)


def parse_po(text: str, *, keep_empty: bool = False) -> dict[Key, str]:
    """msgid → msgstr (the singular for plural entries), without the header, fuzzy and obsolete entries."""
    entries: dict[Key, str] = {}
    entry: dict[str, str] = {}
    field = ""
    fuzzy = False

    def flush() -> None:
        nonlocal entry, fuzzy
        msgstr = entry.get("msgstr", entry.get("msgstr[0]", ""))
        if entry.get("msgid") and not fuzzy and (msgstr or keep_empty):
            entries[(entry.get("msgctxt"), entry["msgid"])] = msgstr
        entry, fuzzy = {}, False

    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                flush()
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        elif line:
            field, _, value = line.partition(" ")
            if field in ("msgctxt", "msgid") and "msgid" in entry:
                flush()
            entry[field] = ast.literal_eval(value)
        elif entry:
            flush()
    flush()
    return entries


def read_mo(path: Path) -> dict[Key, str]:
    with path.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    entries: dict[Key, str] = {}
    for key, text in catalog.items():
        if isinstance(key, tuple):  # (msgid, plural form): vi has one form
            if key[1] != 0:
                continue
            key = key[0]
        if key:
            context, separator, msgid = key.rpartition("\x04")
            entries[(context if separator else None, msgid)] = text
    return entries


@functools.cache
def our_catalogues(domain: str = "django") -> list[tuple[str, dict[Key, str]]]:
    """The portal's Vietnamese, first wins: (directory name, entries) in LOCALE_PATHS order."""
    found = []
    for path in settings.LOCALE_PATHS:
        po = Path(path) / "vi" / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            found.append((Path(path).name, read_po(po)))
    return found


def third_party_apps() -> list[tuple[str, Path]]:
    """(app label or "django", locale directory) of what is installed and not the portal's, in the order
    Django merges them (an earlier app wins, Django's own catalogue last)."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        locale = path / "locale"
        in_venv = path.is_relative_to(sys.prefix)
        if (in_venv or not path.is_relative_to(settings.BASE_DIR)) and locale.is_dir():
            found.append((config.name, locale))
    return [*found, ("django", DJANGO_DIR / "conf" / "locale")]


@functools.cache
def their_catalogues(domain: str = "django") -> list[tuple[str, dict[Key, str]]]:
    found = []
    for name, locale in third_party_apps():
        mo = locale / "vi" / "LC_MESSAGES" / f"{domain}.mo"
        if mo.exists():
            found.append((name, read_mo(mo)))
    return found


def same(a: str, b: str) -> bool:
    """The same words: Django capitalises verbose names itself, and line breaks are the editor's."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def messages_of_dependencies() -> dict[str, dict[str, set[Key]]]:
    """Every message each dependency may show, by domain: Django lists its msgids in its English catalogues;
    django-import-export has no English one, its other languages' list them; allauth's English catalogue
    says where each is used (only account/ and mfa/ are installed)."""
    found: dict[str, dict[str, set[Key]]] = {}
    for name, locale in third_party_apps():
        for domain in ("django", "djangojs"):
            english = locale / "en" / "LC_MESSAGES" / f"{domain}.po"
            if name == "allauth" and english.exists():
                ids = allauth_messages_in_use(english)
            elif english.exists():
                ids = set(read_po(english, keep_empty=True))
            elif name in STAND_INS:
                ids = {
                    key
                    for po in locale.glob(f"*/LC_MESSAGES/{domain}.po")
                    for key in read_po(po, keep_empty=True)
                }
            else:
                continue
            found.setdefault(name, {})[domain] = ids
    return found


def allauth_messages_in_use(english: Path) -> set[Key]:
    used = set()
    for block in english.read_text(encoding="utf-8").split("\n\n"):
        references = " ".join(line for line in block.splitlines() if line.startswith("#:"))
        if re.search(r"(?<![\w/])(account|mfa|templates/account|templates/mfa)/", references):
            used |= set(parse_po(block, keep_empty=True))
    return used


def vietnamese_of(key: Key, domain: str = "django") -> str | None:
    """What a Vietnamese page shows for this message: the first catalogue that has it."""
    for _, catalogue in [*our_catalogues(domain), *their_catalogues(domain)]:
        if key in catalogue:
            return catalogue[key]
    return None


# --- the tests ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_no_msgid_of_ours_changes_a_dependencys_vietnamese(domain):
    ours = our_catalogues(domain)
    chain = [*ours, *their_catalogues(domain)]
    clashes = []
    for position, (name, catalogue) in enumerate(ours):
        for key, text in catalogue.items():
            for other, theirs in chain[position + 1 :]:
                if key not in theirs or same(text, theirs[key]) or (name, *key) in DELIBERATE_OVERRIDES:
                    continue
                if name == "locale_dependencies" and BAN.search(theirs[key]):
                    continue  # the Ông/Bà register
                clashes.append(f"{name} {key}: {text!r} also replaces {other}'s {theirs[key]!r}")
    assert not clashes, "Give ours a context, or list it in DELIBERATE_OVERRIDES:\n" + "\n".join(clashes)


def test_every_deliberate_override_still_overrides_something():
    chain = [*our_catalogues(), *their_catalogues()]
    names = [name for name, _ in chain]
    stale = []
    for name, context, msgid in DELIBERATE_OVERRIDES:
        after = chain[names.index(name) + 1 :] if name in names else []
        catalogue = dict(chain).get(name, {})
        if (context, msgid) not in catalogue or not any((context, msgid) in theirs for _, theirs in after):
            stale.append((name, context, msgid))
    assert not stale


def test_a_dependency_without_vietnamese_has_ours_in_its_place():
    with_vietnamese = {name for name, _ in their_catalogues()}
    ours = {name for name, _ in our_catalogues()}
    missing = []
    for name, locale in third_party_apps():
        ships_any = any(locale.glob("*/LC_MESSAGES/*.mo"))
        if ships_any and name not in with_vietnamese and STAND_INS.get(name) not in ours:
            missing.append(name)
    assert not missing, "add its Vietnamese to locale_dependencies/ and to STAND_INS"


def test_no_message_of_a_dependency_is_left_in_english():
    untranslated = []
    for name, domains in messages_of_dependencies().items():
        for domain, keys in domains.items():
            for key in keys:
                if not NEVER_SHOWN.search(key[1]) and not vietnamese_of(key, domain):
                    untranslated.append(f"{name} {domain} {key}")
    assert not untranslated, "\n".join(sorted(untranslated))


def test_the_catalogue_import_calls_a_new_row_new_not_newly_filed():
    assert vietnamese_of((None, "New")) == "Mới"
    assert vietnamese_of(("dossier queue tab", "New")) == "Mới nộp"


# Short words that mean different things in the portal: each use says which (a context).
AMBIGUOUS = [
    "Accounts", "Assign", "Channel", "Charge", "Clear", "Code", "Commune", "Copy", "Created", "Delivered",
    "Deny", "Draft", "Due", "Failed", "Fee", "Field", "Filter", "From", "New", "Next", "Note", "Original",
    "Previous", "Province", "Receive", "Refuse", "Register", "Remove", "Request", "Sent", "Submitted", "Time",
    "To", "Transfer", "filed",
]  # fmt: skip


def test_short_ambiguous_words_of_ours_carry_a_context():
    catalogue = read_po(Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po", keep_empty=True)
    assert not [word for word in AMBIGUOUS if (None, word) in catalogue]


def test_the_code_and_templates_give_the_ambiguous_words_a_context():
    """Without one, `_("Note")` finds allauth's "Lưu ý" (locale_allauth/) until makemessages runs."""
    words = "|".join(re.escape(word) for word in AMBIGUOUS)
    bare = re.compile(
        rf"""\b(?:_|gettext|gettext_lazy|gettext_noop)\(\s*["']({words})["']\s*\)"""
        rf"""|{{%\s*trans(?:late)?\s+["']({words})["']\s*(?:as\s+\w+\s*)?%}}"""
    )
    base = Path(settings.BASE_DIR)
    sources = [
        path
        for pattern in ("*/*.py", "*/*/*.py", "templates/**/*", "*/templates/**/*")
        for path in base.glob(pattern)
        if path.suffix in {".py", ".html", ".txt"}
        and not path.is_relative_to(base / ".venv")
        and not path.is_relative_to(base / "tests")
        and "migrations" not in path.parts
    ]
    found = [
        f"{path.relative_to(base)}: {match.group(0)}"
        for path in sources
        for match in bare.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_our_catalogues_and_templates_call_the_reader_ong_ba_not_ban():
    found = []
    for path in settings.LOCALE_PATHS:
        for po in (Path(path) / "vi" / "LC_MESSAGES").glob("*.po"):
            found += [f"{po}: {text!r}" for text in read_po(po).values() if BAN.search(text)]
    base = Path(settings.BASE_DIR)
    for template_dir in [base / "templates", *base.glob("*/templates")]:
        for template in template_dir.rglob("*"):
            if template.suffix in {".html", ".txt"} and BAN.search(template.read_text(encoding="utf-8")):
                found.append(str(template))
    assert not found, "\n".join(found)


def test_no_message_of_a_dependency_calls_the_reader_ban_in_vietnamese():
    found = []
    for name, domains in messages_of_dependencies().items():
        for domain, keys in domains.items():
            for key in keys:
                text = vietnamese_of(key, domain)
                if text and BAN.search(text):
                    found.append(f"{name} {domain} {key}: {text!r}")
    assert not found, "\n".join(sorted(found))
