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
