from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # A new account speaks the language the visitor signed up in.
        language = (translation.get_language() or "en")[:2]
        user.preferred_language = language if language in ("en", "nl") else "en"
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request):
        # Without an explicit ?next=, staff land in the admin and customers on the site.
        if request.user.is_staff:
            return reverse("wagtailadmin_home")
        return super().get_login_redirect_url(request)
