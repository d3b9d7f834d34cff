"""Vietnamese text folding and the trigram measure used by catalogue search.

The same code folds what is stored and what is typed, so SQLite and PostgreSQL compare the same strings;
`trigram_similarity` follows pg_trgm's definition so both databases rank fuzzy candidates alike.
"""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and keep only words: 'Giấy phép' → 'giay phep'."""
    text = unicodedata.normalize("NFD", text or "").lower().replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _NON_WORD.sub(" ", text).strip()


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both words."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def within_one_edit(a: str, b: str) -> bool:
    """True when b is a itself or a one-key slip of it: one letter added, dropped, changed, or two
    neighbours swapped ('phpe' → 'phep'). Trigrams miss such slips in short words."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    shorter, longer = (a, b) if la < lb else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


# Spellings that sound alike in one dialect or another and are often written one for the other: the first
# consonant s/x, ch/tr, d/gi/r ('lái se', 'dấy phép'), and a final i/y after a consonant ('đăng kí').
_SOUNDALIKE_ONSETS = [("ch", "tr"), ("gi", "d"), ("gi", "r"), ("d", "r"), ("s", "x")]
_FINAL_I_OR_Y = re.compile(r"^(qu|[bcdghklmnprstvx]+)([iy])$")


def spelling_variants(word: str) -> set[str]:
    """Other spellings of a folded word that sound the same: 'se' → {'xe'}, 'ki' → {'ky'}, 'day' → {'giay',
    'ray'}, 'chuong' → {'truong'}. The word itself is not included; which of them are real words is for the
    catalogue's vocabulary to say."""
    finals = {word}
    ending = _FINAL_I_OR_Y.match(word)
    if ending:
        finals.add(ending.group(1) + ("y" if ending.group(2) == "i" else "i"))
    variants = set(finals)
    for spelling in finals:
        for first, second in _SOUNDALIKE_ONSETS:
            for typed, other in ((first, second), (second, first)):
                # 'gi' is its own onset: 'giay' is not 'd' + 'iay'.
                if spelling.startswith(typed) and not (typed == "d" and spelling.startswith("gi")):
                    variants.add(other + spelling[len(typed) :])
    variants.discard(word)
    return {variant for variant in variants if len(variant) > 1}


def split_glued(token: str, is_word, starts_a_word) -> list[str] | None:
    """Words typed without the space between them, split against the vocabulary: 'giayphep' → ['giay',
    'phep'], 'laise' → ['lai', 'se'] ('se' being a spelling of 'xe'). Every piece must be a word (or sound
    like one, `is_word`); the last may be the start of one, still being typed (`starts_a_word`). The split
    with the fewest pieces wins, then the one whose first pieces are longest; None when there is none."""
    length = len(token)
    best: list[list[str] | None] = [[]] + [None] * length
    for end in range(2, length + 1):
        for start in range(end - 2, -1, -1):
            before, piece = best[start], token[start:end]
            last = end == length
            if before is None or not (is_word(piece) or (last and starts_a_word(piece))):
                continue
            candidate = [*before, piece]
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    pieces = best[length]
    return pieces if pieces is not None and len(pieces) > 1 else None
