"""Finding details as message ids and parameters, rendered in the reader's language at read time.

A check returns one detail per problem. A detail is a crawled value shown as is (a ``str``: a
URL, a heading, ``"h1 -> h3"``) or a :class:`Message`: an English msgid with ``%(name)s``
placeholders and its parameters, which the check modules write as they would write gettext::

    from audits.details import message as _, plural_message as ngettext

    _("redirects to %(url)s") % {"url": final_url}
    ngettext("%(count)d word", "%(count)d words", n) % {"count": n}

(``_`` and ``ngettext`` are the names makemessages extracts.) The finding stores each detail
as a JSON item (:func:`detail_item`) in ``Finding.detail_items``; a reader renders them with
:func:`detail_render` under their own language, so a Dutch reader of an audit run for an
English owner reads Dutch, and a new language is only a new catalogue. Items:

* ``{"text": "..."}``: shown as is (crawled values, and details stored before this existed);
* ``{"msgid": "...", "params": {...}}``, with ``"plural"`` and ``"count"`` for ngettext;
* ``{"parts": [item, ...]}``: items rendered and put side by side (``"<url>: " + reason``).

A parameter is a plain value (crawled text is cleaned with the row: audits.clean), an item, a
list of items (rendered and joined with ", "), or ``{"number": n}`` (:class:`Number`: written
with the reader's digit grouping).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

# Crawled text inside an item is cut like a stored detail line is.
MAX_PARAM_CHARS: Final = 500  # as a stored detail line was
LIST_SEPARATOR: Final = ", "


class Message:
    """An English msgid (with its plural) and parameters, translated only when rendered."""

    __slots__ = ("count", "msgid", "params", "plural")

    def __init__(
        self,
        msgid: str,
        *,
        plural: str | None = None,
        count: int | None = None,
        params: Mapping[str, Any] | None = None,
    ):
        self.msgid = msgid
        self.plural = plural
        self.count = count
        self.params = dict(params or {})

    def __mod__(self, params: Mapping[str, Any]) -> Message:
        return Message(self.msgid, plural=self.plural, count=self.count, params=params)

    def __str__(self) -> str:
        return detail_render(detail_item(self))

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, params={self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and detail_item(self) == detail_item(other)

    def __hash__(self) -> int:
        return hash((self.msgid, self.plural, self.count))


class Number:
    """A number written the reader's way when rendered ("2,048" in English, "2.048" in Dutch)."""

    __slots__ = ("value",)

    def __init__(self, value: int | float):
        self.value = value


class Parts:
    """Details side by side, e.g. a crawled URL and a translated reason."""

    __slots__ = ("parts",)

    def __init__(self, *parts: Any):
        self.parts = parts

    def __str__(self) -> str:
        return detail_render(detail_item(self))


def joined(details: Sequence[Any], separator: str = LIST_SEPARATOR) -> list[Any]:
    """``details`` with ``separator`` between them, to put in :class:`Parts`."""
    out: list[Any] = []
    for index, detail in enumerate(details):
        out += [separator, detail] if index else [detail]
    return out


def message(msgid: str) -> Message:
    return Message(msgid)


def plural_message(singular: str, plural: str, count: int) -> Message:
    return Message(singular, plural=plural, count=count)


def detail_item(detail: Any) -> dict[str, Any]:
    """The JSON item stored for one detail a check returned."""
    if isinstance(detail, Message):
        item: dict[str, Any] = {"msgid": detail.msgid}
        if detail.plural is not None:
            item["plural"] = detail.plural
            item["count"] = detail.count
        if detail.params:
            item["params"] = {key: _param(value) for key, value in detail.params.items()}
        return item
    if isinstance(detail, Parts):
        return {"parts": [detail_item(part) for part in detail.parts]}
    if isinstance(detail, dict):
        return detail  # already an item
    # A str, or a lazy text left in an unconverted check: rendered now, in the active language.
    return {"text": str(detail)[:MAX_PARAM_CHARS]}


def _param(value: Any) -> Any:
    if isinstance(value, Message | Parts):
        return detail_item(value)
    if isinstance(value, Number):
        return {"number": value.value}
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, str):
        return value[:MAX_PARAM_CHARS]
    if isinstance(value, list | tuple):
        return [_param(item) for item in value]
    return value


def detail_render(item: Any) -> str:
    """One stored item as text in the active language (use translation.override to pick it)."""
    if isinstance(item, str):
        return item
    if not isinstance(item, dict):
        return str(item)
    if "text" in item:
        return item["text"]
    if "parts" in item:
        return "".join(detail_render(part) for part in item["parts"])
    msgid = item.get("msgid", "")
    if "plural" in item:
        template = ngettext(msgid, item["plural"], item.get("count") or 0)
    else:
        template = gettext(msgid)
    params = item.get("params")
    if not params:
        return template
    values = {key: _render_param(value) for key, value in params.items()}
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        # A translation that lost a placeholder must not hide the finding: show the English.
        return (item.get("plural") if item.get("count") != 1 and "plural" in item else msgid) % (
            values
        )


def _render_param(value: Any) -> Any:
    if isinstance(value, dict):
        if "number" in value:
            return number_format(value["number"], force_grouping=True)
        return detail_render(value)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(_render_param(item)) for item in value)
    return value


def details_render(items: Sequence[Any] | None, *, language: str | None = None) -> str:
    """A finding's items as its detail text, one item per line, in ``language`` (default: the
    active one)."""
    if not items:
        return ""
    if language is None:
        return "\n".join(detail_render(item) for item in items)
    with translation.override(language):
        return "\n".join(detail_render(item) for item in items)
