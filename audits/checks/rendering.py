"""Rendered pages (JavaScript rendering on): what the browser could not load.

A script, image or font that never answers does not make the page time out: the page is read
once its document has arrived and the rest had a bounded wait (audits.engine.fetch.render).
What was still missing is information about the page, not a failure of it, so this check has
the lowest severity and weight the registry knows.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from audits.checks.page import CheckedPage
from audits.checks.registry import register
from audits.details import Number
from audits.details import plural_message as ngettext


@register(
    id="resources-not-loaded",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="indexable",
    title=gettext_lazy("Page rendered with everything it asked for"),
    failure_title=gettext_lazy("Page rendered with resources that did not load"),
    why=gettext_lazy(
        "While rendering the page with JavaScript, some scripts, images or other files it "
        "asks for failed or did not answer within a few seconds. The page was audited as it "
        "looked without them. Visitors wait for such files too, and content or links that "
        "depend on them may be missing for search engines."
    ),
    how_to_fix=gettext_lazy(
        "Open the page with the browser's developer tools (Network tab) and look for requests "
        "that fail or hang, often third-party scripts. Remove the ones you no longer use and "
        "load the others with async or defer, so the page does not wait for them."
    ),
)
def resources_not_loaded(page: CheckedPage) -> list[str]:
    count = page.facts.get("resources_not_loaded", 0)
    if not count:
        return []
    return [
        ngettext(
            "rendered with %(count)s resource not loaded",
            "rendered with %(count)s resources not loaded",
            count,
        )
        % {"count": Number(count)}
    ]
