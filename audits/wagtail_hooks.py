"""Staff views of websites and audits in the Wagtail admin."""

from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from vivaseo_site.core.viewsets import BulkDeletedModelViewSet

from .models import Finding, PageResult, SEOScan, Website


class WebsiteViewSet(BulkDeletedModelViewSet):
    model = Website
    icon = "site"
    menu_label = _("Websites")
    list_display = ["name", "url", "user", "is_active", "created"]
    list_filter = ["is_active"]
    search_fields = ["name", "url", "user__email"]
    list_export = ["name", "url", "user", "is_active", "created"]
    form_fields = ["user", "url", "name", "description", "is_active"]
    inspect_view_enabled = True


class SEOScanAdminForm(forms.ModelForm):
    def validate_unique(self):
        super().validate_unique()
        # Django skips a constraint on a field the form lacks (website): check the row's own,
        # so setting a second audit of a website back to running says so instead of a 500.
        try:
            self.instance.validate_constraints()
        except forms.ValidationError as error:
            self._update_errors(error)


class SEOScanViewSet(BulkDeletedModelViewSet):
    model = SEOScan
    icon = "search"
    menu_label = _("Audits")
    list_display = [
        "url",
        "user",
        "status",
        "progress",
        "pages_crawled",
        "finished_because",
        "created",
    ]
    list_filter = ["status", "failure", "scan_type", "render_js"]
    search_fields = ["url", "user__email", "error_message"]
    list_export = ["url", "user", "scan_type", "status", "pages_crawled", "finished_because",
                   "failure", "error_message", "started_at", "completed_at"]  # fmt: skip
    # Staff may fix a stuck audit's status by hand; the crawl data itself is not editable.
    form_fields = ["status", "error_message", "cancel_requested"]
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=SEOScanAdminForm,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.form_fields,
        )


class PageResultViewSet(BulkDeletedModelViewSet):
    model = PageResult
    icon = "doc-full"
    menu_label = _("Crawled pages")
    list_display = ["url", "scan", "status_code", "depth", "indexable", "title"]
    list_filter = ["indexable", "is_html", "in_sitemap", "blocked_by_robots"]
    search_fields = ["url", "title"]
    list_export = ["url", "status_code", "depth", "indexable", "title", "meta_description",
                   "word_count", "ttfb_ms"]  # fmt: skip
    form_fields = ["url"]
    inspect_view_enabled = True
    add_to_admin_menu = False


class FindingViewSet(BulkDeletedModelViewSet):
    model = Finding
    icon = "warning"
    menu_label = _("Findings")
    list_display = ["check_id", "severity", "category", "page", "scan"]
    list_filter = ["severity", "category"]
    search_fields = ["check_id", "detail_items", "page__url"]
    # "detail" renders the stored message ids in the staff member's language.
    list_export = ["check_id", "severity", "category", "page", "detail"]
    form_fields = ["detail_items"]
    inspect_view_enabled = True


class AuditsGroup(ModelViewSetGroup):
    menu_label = _("SEO audits")
    menu_icon = "search"
    menu_order = 200
    items = (WebsiteViewSet, SEOScanViewSet, PageResultViewSet, FindingViewSet)


@hooks.register("register_admin_viewset")
def register_audits_viewsets():
    return AuditsGroup()
