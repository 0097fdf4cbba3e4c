"""Write what ``parse_page`` reads from every engine fixture, to compare two versions of the
engine: run it before and after a refactor and diff the outputs (they must be identical).

    python3 -m uv run python bench/facts_snapshot.py > /tmp/before.txt
    ... change the engine ...
    python3 -m uv run python bench/facts_snapshot.py > /tmp/after.txt
    diff /tmp/before.txt /tmp/after.txt

Each fixture of tests/audits/engine/fixtures is read with its own headers (as the html5lib
reference test reads it), then again under every declared charset below (encoding labels and
precedence: BOM, Content-Type, <meta>, the UTF-8 and windows-1252 fallbacks), plus the huge
catalogue page of the tests. No CPU budget, so the output does not depend on the machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audits.engine.facts import parse_page  # noqa: E402
from tests.audits.engine.test_facts import (  # noqa: E402
    FIXTURES,
    fixture_headers,
    huge_catalog_page,
    page_url,
)

CONTENT_TYPES = (
    None,
    "text/html",
    "text/html; charset=utf-8",
    "text/html; charset=UTF8",
    "text/html; charset=unicode-1-1-utf-8",
    "text/html; charset=latin1",
    "text/html; charset=iso-8859-1",
    "text/html; charset=ascii",
    "text/html; charset=windows-1252",
    "text/html; charset=shift_jis",
    "text/html; charset=x-sjis",
    "text/html; charset=utf-16",
    "text/html; charset=utf-16be",
    "text/html; charset=x-user-defined",
    "text/html; charset=gb2312",
    "text/html; charset=koi8-r",
    "text/html; charset=replacement",
    "text/html; charset=no-such-charset",
    'text/html; charset="  Windows-1251 "',
    "application/xhtml+xml",
    "application/pdf",
)


def main() -> None:
    names = sorted(p.name for p in FIXTURES.iterdir() if p.suffix == ".html")
    for name in names:
        body, headers = (FIXTURES / name).read_bytes(), fixture_headers(name)
        content_type = headers.get("Content-Type") if headers else None
        facts = parse_page(
            body,
            url=page_url(name),
            content_type=content_type,
            headers=headers,
            cpu_budget_seconds=None,
        )
        print(f"== {name} (own headers)\n{facts!r}")
        for content_type in CONTENT_TYPES:
            facts = parse_page(
                body, url=page_url(name), content_type=content_type, cpu_budget_seconds=None
            )
            print(f"== {name} {content_type}\n{facts!r}")
    facts = parse_page(
        huge_catalog_page(), url=page_url("huge_catalog.html"), cpu_budget_seconds=None
    )
    print(f"== huge_catalog.html\n{facts!r}")


if __name__ == "__main__":
    main()
