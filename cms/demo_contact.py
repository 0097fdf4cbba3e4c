"""The demo's contact page (cms.demo_content.CONTACT_PAGE) under the EN home page, and its NL
translation."""

from wagtail.models import Locale

from .demo_content import CONTACT_PAGE
from .models import ContactFormField, ContactPage, HomePage

CONTACT_SLUG = "contact"


def _fields_set(page: ContactPage, content: dict) -> None:
    for field, value in content.items():
        if field != "extra_fields":
            setattr(page, field, value)


def demo_contact_page_ensure(home: HomePage, locales: dict[str, Locale]) -> ContactPage:
    """The contact page under ``home`` with its extra form field, and its NL translation
    with Dutch labels. Idempotent: a page that exists (by slug) is left as an editor may have
    changed it, and so is an existing translation."""
    page = ContactPage.objects.child_of(home).filter(slug=CONTACT_SLUG).first()
    if page is None:
        page = ContactPage(slug=CONTACT_SLUG, locale=locales["en"])
        _fields_set(page, CONTACT_PAGE["en"])
        page.form_fields = [
            ContactFormField(**field) for field in CONTACT_PAGE["en"]["extra_fields"]
        ]
        home.add_child(instance=page)
        page.save_revision().publish()
    if page.get_translation_or_none(locales["nl"]) is None:
        # copy_for_translation copies the form fields; the integrator moves this page to
        # wagtail-localize, which translates their labels the same way.
        dutch = page.copy_for_translation(locales["nl"])
        _fields_set(dutch, CONTACT_PAGE["nl"])
        labels = {field["clean_name"]: field for field in CONTACT_PAGE["nl"]["extra_fields"]}
        form_fields = list(dutch.form_fields.all())
        for form_field in form_fields:
            if translated := labels.get(form_field.clean_name):
                form_field.label = translated["label"]
                form_field.help_text = translated["help_text"]
        dutch.form_fields = form_fields
        dutch.save_revision().publish()
    return page
