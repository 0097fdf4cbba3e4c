from wagtail.admin.viewsets.model import ModelViewSet


class BulkDeletedModelViewSet(ModelViewSet):
    """Admin views for records that are deleted in bulk by cascades (a website takes its
    audits, pages and findings with it; a deleted account its tickets and notifications).

    Wagtail's reference index would hang a per-row delete signal on these models, turning
    one cascading DELETE into tens of thousands of queries, and nothing references them.
    """

    add_to_reference_index = False
