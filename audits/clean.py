"""Make crawled values storable: the one place they pass on their way into audit rows.

A site decides what it serves, and the databases refuse some of it: PostgreSQL has no NUL in
text or ``jsonb`` (JSON-LD may spell it ``\\u0000``), neither driver can encode a lone
surrogate (``\\ud800`` in JSON-LD decodes to one) as UTF-8, PostgreSQL refuses a string
longer than its ``varchar`` or a number outside its integer type, and ``jsonb`` has no NaN.
Any of these raised after a whole crawl and failed the audit, so a site could make its own
audit fail. Everything a crawl stores goes through here first:

* ``row_clean(instance)`` for PageResult and Finding rows (storage.page_result_build,
  services._PageBatch), ``values_clean(model, values)`` for the report's columns
  (services.report_write), ``json_clean`` for the site facts the site checks and the
  report read, ``text_clean`` for the link rows written without model instances.
* Text loses NULs and lone surrogates and is cut to its column's ``max_length``; JSON is
  cleaned the same way throughout (keys too) and NaN/Infinity become null; integers are
  held to their column's range.

It runs for every crawled page, so the common case is cheap: a clean ASCII string costs one
flag test and one ``in``, clean JSON one C-speed encoding (measured 0.2 ms for a rich 14 KB
page's row, against 2.4 ms to parse that page and ~9 ms of CPU per page for the whole audit;
tests/audits/test_clean.py holds it to a small share of the parse).
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import Any, Final

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")
# Made once: json.dumps with options builds a new encoder per call. It writes NUL as the
# escape below even with ensure_ascii=False, and refuses NaN and Infinity.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_JSON_NUL: Final = "\\u0000"

_TEXT, _JSON, _INT = "text", "json", "int"


def text_clean(value: str, max_length: int | None = None) -> str:
    """``value`` without NULs and lone surrogates, cut to ``max_length`` characters."""
    if value.isascii():  # O(1) in CPython: surrogates are not ASCII, so only NUL can be there
        if "\x00" in value:
            value = value.replace("\x00", "")
    elif _UNSTORABLE.search(value):
        # A valid astral character is one code point in a str, so any surrogate is lone.
        value = _UNSTORABLE.sub("", value)
    if max_length is not None and len(value) > max_length:
        value = value[:max_length]
    return value


def json_clean(value: Any) -> Any:
    """``value`` (JSON-ready data) as a JSON column can store it; the same object if it can."""
    if not value:
        return value  # empty, null, zero, false: most of a page's JSON columns
    try:
        encoded = _ENCODER.encode(value)
    except (ValueError, TypeError):  # NaN or Infinity; a type only a custom encoder knows
        return _json_rebuild(value)
    if _JSON_NUL in encoded or (not encoded.isascii() and _UNSTORABLE.search(encoded)):
        return _json_rebuild(value)
    return value


def _json_rebuild(value: Any) -> Any:
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, dict):
        return {
            (text_clean(key) if isinstance(key, str) else key): _json_rebuild(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_json_rebuild(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@cache
def _columns(model: type[models.Model]) -> dict[str, tuple[str, str, Any]]:
    """field name -> (attribute name, kind, limit) for the columns that need cleaning."""
    columns = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation:
            continue
        if isinstance(field, models.JSONField):
            columns[field.name] = (field.attname, _JSON, None)
        elif isinstance(field, models.CharField | models.TextField):
            columns[field.name] = (field.attname, _TEXT, field.max_length)
        elif isinstance(field, models.IntegerField):
            # The ranges Django validates against; SQLite stores more, PostgreSQL does not.
            limits = BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type())
            if limits:
                columns[field.name] = (field.attname, _INT, limits)
    return columns


def _clean(kind: str, limit: Any, value: Any) -> Any:
    if kind == _TEXT:
        return text_clean(value, limit) if isinstance(value, str) else value
    if kind == _JSON:
        return json_clean(value)
    if type(value) is int:
        low, high = limit
        return low if value < low else high if value > high else value
    return value


def row_clean(instance: models.Model) -> models.Model:
    """Clean an unsaved row's text, JSON and integer columns in place; returns it."""
    values = instance.__dict__
    for attname, kind, limit in _columns(type(instance)).values():
        if attname in values:
            values[attname] = _clean(kind, limit, values[attname])
    return instance


def values_clean(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Clean ``{field name: value}`` for ``model`` (update_or_create defaults...) in place."""
    columns = _columns(model)
    for name, value in values.items():
        column = columns.get(name)
        if column is not None:
            values[name] = _clean(column[1], column[2], value)
    return values


def field_max_length(model: type[models.Model], name: str) -> int:
    """The column size of a text field, for code that writes rows without the model."""
    return model._meta.get_field(name).max_length
