"""Which language codes count as valid, the way Lighthouse 12 and axe-core decide it.

Lighthouse's ``hreflang`` audit and axe's ``html-lang-valid`` rule look only at the primary
subtag (``en`` of ``en-GB``), lowercased, and accept it when the IANA Language Subtag Registry
lists it as a language (two or three letters, deprecated codes such as ``iw`` included). The
list is in ``data/valid_langs.txt``, extracted from the copy Lighthouse 12 ships.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

X_DEFAULT: Final = "x-default"
_DATA_FILE: Final = Path(__file__).parent / "data" / "valid_langs.txt"


@cache
def valid_primary_subtags() -> frozenset[str]:
    lines = _DATA_FILE.read_text(encoding="ascii").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_valid_lang(code: str) -> bool:
    """True when the primary subtag of ``code`` is a registered language (``en-GB``: yes)."""
    return code.split("-")[0].lower() in valid_primary_subtags()


def is_valid_hreflang(value: str) -> bool:
    """Lighthouse 12 ``hreflang``: ``x-default`` or a registered primary language subtag.

    The value is taken as written: ``" en"`` or ``"en_US"`` are not valid.
    """
    return value.lower() == X_DEFAULT or is_valid_lang(value)


def is_valid_html_lang(value: str) -> bool:
    """axe's ``html-lang-valid``: the trimmed ``lang`` attribute's primary subtag is registered."""
    return is_valid_lang(value.strip())
