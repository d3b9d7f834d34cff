"""Which files of a citizen's data store are the kind of document a slot asks for, so the filing pages offer
those first. A stored file is labelled with the name of the slot it was uploaded for (or the result it is);
procedures name the same paper differently ("Căn cước công dân của người yêu cầu", "Thẻ Căn cước hoặc Căn
cước công dân"), so names are compared by their head: the paper itself, without what kind of copy, whose it
is, the form it follows or notes in brackets; "A hoặc B" names two papers."""

import re
from collections.abc import Iterable
from typing import Any

from procedures.text import fold

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# How the paper is given, not what it is.
_COPY_WORDS = re.compile(
    r"^(?:\d+\s+)?(?:(?:ban sao co chung thuc|ban sao|ban chinh|ban chup|ban dien tu|ban in)\s+(?:cua\s+)?)?"
)
# Where the paper's own name ends: whose it is, the form, the rule, when it applies.
_TAIL = re.compile(
    r"\s(?:cua|theo|do|duoc|da|con|kem|doi voi|trong truong hop|trong|khi|neu|cap cho|ghi ro)\s.*$"
)
# Heads that name a family of papers, not one: they match nothing on their own.
GENERIC = frozenset(
    {
        "ban ve",
        "danh sach",
        "don de nghi",
        "giay chung nhan",
        "giay de nghi",
        "giay phep",
        "giay to",
        "giay xac nhan",
        "hop dong",
        "quyet dinh",
        "to khai",
        "trich luc",
        "van ban",
        "van ban de nghi",
    }
)
MIN_WORDS = 2


def heads(name: str) -> list[str]:
    """The folded names of the papers `name` stands for: 'Bản sao Giấy khai sinh của trẻ' → ['giay khai
    sinh']; 'Thẻ Căn cước hoặc Căn cước công dân' → ['the can cuoc', 'can cuoc cong dan']."""
    text = _BRACKETS.sub(" ", name or "")
    result = []
    parts = [piece for chunk in re.split(r"[,;]", text) for piece in re.split(r"\bhoac\b", fold(chunk))]
    for part in parts:
        head = _COPY_WORDS.sub("", part.strip())
        head = _TAIL.sub("", f" {head} ").strip()
        if len(head.split()) >= MIN_WORDS and head not in GENERIC and head not in result:
            result.append(head)
    return result


def _same_paper(a: str, b: str) -> bool:
    """One head names the other, possibly more precisely ('giay khai sinh' and 'giay khai sinh dien tu')."""
    shorter, longer = sorted((a, b), key=len)
    return longer == shorter or longer.startswith(shorter + " ")


def same_kind(label: str, name: str) -> bool:
    """A file labelled `label` is the kind of document `name` asks for."""
    if not label or not name:
        return False
    if fold(label) == fold(name):
        return True
    return any(_same_paper(a, b) for a in heads(label) for b in heads(name))


def slot_takes(stored: Any, required: Any) -> bool:
    """A stored file fits a slot: by the kind code when both name a kind (the catalogue's word), else by
    the names' heads (`same_kind`)."""
    if stored.kind_id and required.kind_id:
        return bool(stored.kind_id == required.kind_id)
    return same_kind(stored.label, required.name)


def kind_for_name(name: str, kinds: Iterable[Any]) -> Any | None:
    """The document kind (procedures.DocumentKind) a slot or a paper called `name` is, by the heads of the
    kind's names; None when no kind or more than one fits (never a guess between two)."""
    found = [kind for kind in kinds if any(same_kind(known, name) for known in kind.names)]
    return found[0] if len(found) == 1 else None
