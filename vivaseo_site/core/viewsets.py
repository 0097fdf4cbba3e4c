from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from vivaseo_site.core.spreadsheets import spreadsheet_cell


class SpreadsheetSafeExportMixin:
    """Wagtail's CSV and XLSX exports write values as they are, and website names, crawled
    titles and ticket subjects come from customers and the sites they audit: every exported
    value goes through the rule the customer CSVs use (core.spreadsheets)."""

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_cell(super().preprocess_field_value(field, value, export_format))


class SpreadsheetSafeIndexView(SpreadsheetSafeExportMixin, IndexView):
    pass


class SafeExportModelViewSet(ModelViewSet):
    """The base of every admin viewset of ours (a test holds them to it)."""

    index_view_class = SpreadsheetSafeIndexView


class BulkDeletedModelViewSet(SafeExportModelViewSet):
    """Admin views for records that are deleted in bulk by cascades (a website takes its
    audits, pages and findings with it; a deleted account its tickets and notifications).

    Wagtail's reference index would hang a per-row delete signal on these models, turning
    one cascading DELETE into tens of thousands of queries, and nothing references them.
    """

    add_to_reference_index = False
