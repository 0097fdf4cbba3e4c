"""The blog's authors in the Wagtail admin, as snippets (translated with wagtail-localize)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Blog authors")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "role"]
    search_fields = ["name", "role"]


register_snippet(AuthorViewSet)
