"""The contact page: a Wagtail form page whose submissions open support tickets."""

import logging

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import BaseForm, FormBuilder, WagtailAdminFormPageForm
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField

from vivaseo_site.core.ratelimits import action_rate_limit
from vivaseo_site.support.models import MESSAGE_MAX_LENGTH, SupportTicket
from vivaseo_site.support.services import ticket_create_from_contact_form

logger = logging.getLogger(__name__)

# The honeypot: people never see it (CSS moves it off screen, assistive technology skips it),
# form-filling scripts do and fill it in.
HONEYPOT_FIELD = "homepage"


class ContactForm(BaseForm):
    """The fields every contact page has, before the ones its marketers add."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=SupportTicket._meta.get_field("contact_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We answer here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=SupportTicket._meta.get_field("subject").max_length
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("What can we help you with? Links help."),
    )
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    BUILT_IN_FIELDS = ("name", "email", "subject", "message")
    RESERVED_NAMES = (*BUILT_IN_FIELDS, HONEYPOT_FIELD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A signed-in customer need not type who they are (they may still change it).
        if self.user is not None and self.user.is_authenticated and not self.is_bound:
            full_name = f"{self.user.first_name} {self.user.last_name}".strip()
            self.initial.setdefault("name", full_name)
            self.initial.setdefault("email", self.user.email)

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT_FIELD))

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT_FIELD]

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]

    def extra_answers(self) -> list[tuple[str, str]]:
        """(label, answer) of each field the marketers added, in the form's order."""
        return [
            (str(self.fields[name].label), _answer_text(self.cleaned_data.get(name)))
            for name in self.fields
            if name not in self.RESERVED_NAMES
        ]


def _answer_text(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return "" if value is None else str(value)


class ContactFormBuilder(FormBuilder):
    """The marketers' fields after the built-in ones; a field named like a built-in one
    (which the page editor refuses) never replaces it."""

    def get_form_class(self):
        extra = {
            name: field
            for name, field in self.formfields.items()
            if name not in ContactForm.RESERVED_NAMES
        }
        return type("ContactPageForm", (ContactForm,), extra)


class ContactPageEditForm(WagtailAdminFormPageForm):
    def clean(self):
        cleaned_data = super().clean()
        for form in self.formsets["form_fields"].forms:
            if form.cleaned_data.get("DELETE") or not form.cleaned_data.get("label"):
                continue
            if (form.instance.clean_name or form.instance.get_field_clean_name()) in (
                ContactForm.RESERVED_NAMES
            ):
                form.add_error(
                    "label",
                    _(
                        "The form already asks for the name, email address, subject and "
                        "message: give this field another label."
                    ),
                )
        return cleaned_data


class ContactFormField(AbstractFormField):
    page = ParentalKey("cms.ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(AbstractForm):
    """The contact page: what a visitor writes here becomes a support ticket.

    The form's fields:

    - Built in, always first, always required, labels translated by gettext (no content to
      translate): the name, email address, subject and message. They are what a ticket needs
      (SupportTicket.contact_name, contact_email, subject, message), so no edit can leave the
      page unable to open one. Labels that would clash with them are refused in the editor.
    - Then the fields marketers add in the editor (Wagtail's form builder, "Extra fields").
      Their answers are appended to the ticket's message as "Label: answer" lines
      (support.services.contact_message_compose).
    - A honeypot (HONEYPOT_FIELD), hidden from people. When it is filled in, the sender sees
      the same thank-you page, but no ticket and no submission is stored, and a line is
      logged.

    Each submission opens a ticket (support.services.ticket_create_from_contact_form; a
    signed-in customer's is linked to them) and is stored as Wagtail's FormSubmission too, so
    marketers find it under Forms. A client address may send VIVASEO_RATE_LIMITS
    ["contact_form"] messages (5 an hour); beyond that the form comes back as typed, with a
    message saying how long to wait.
    """

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(
        _("beside the form"),
        blank=True,
        help_text=_("Shown next to the form: what happens next, how fast we answer."),
    )
    submit_label = models.CharField(
        _("button label"), max_length=60, blank=True, help_text=_("Empty: “Send message”.")
    )
    thank_you_title = models.CharField(
        _("thank-you heading"),
        max_length=200,
        blank=True,
        help_text=_("Empty: “Thanks, we received your message”."),
    )
    thank_you_text = RichTextField(_("thank-you text"), blank=True)

    base_form_class = ContactPageEditForm
    form_builder = ContactFormBuilder
    template = "cms/contact_page.html"
    landing_page_template = "cms/contact_page_landing.html"

    content_panels = AbstractForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel(
            "form_fields",
            label=_("Extra fields"),
            help_text=_(
                "Name, email address, subject and message are always asked first; "
                "add fields to ask more. Their answers are added to the ticket."
            ),
        ),
        FieldPanel("submit_label"),
        MultiFieldPanel(
            [FieldPanel("thank_you_title"), FieldPanel("thank_you_text")],
            heading=_("After sending"),
        ),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("contact page")

    def get_data_fields(self):
        """The submissions list's columns: the built-in fields, then the extra ones."""
        submit_time, *extra = super().get_data_fields()
        form = ContactForm()
        built_in = [(name, form.fields[name].label) for name in ContactForm.BUILT_IN_FIELDS]
        return [submit_time, *built_in, *extra]

    def process_form_submission(self, form):
        data = {name: value for name, value in form.cleaned_data.items() if name != HONEYPOT_FIELD}
        return self.get_submission_class().objects.create(form_data=data, page=self)

    def serve(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().serve(request, *args, **kwargs)
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        status = 200
        if form.is_valid():
            if form.is_spam:
                logger.info("Contact page %s: honeypot filled in, no ticket opened.", self.pk)
                return self.render_landing_page(request, *args, **kwargs)
            if limited := action_rate_limit(request=request, action="contact_form", per="ip"):
                form.add_error(None, limited)
                status = 429
            else:
                try:
                    with transaction.atomic():
                        ticket_create_from_contact_form(
                            name=form.cleaned_data["name"],
                            email=form.cleaned_data["email"],
                            subject=form.cleaned_data["subject"],
                            message=form.cleaned_data["message"],
                            extra_answers=form.extra_answers(),
                            user=request.user,
                        )
                        submission = self.process_form_submission(form)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    return self.render_landing_page(request, submission, *args, **kwargs)
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context, status=status)
