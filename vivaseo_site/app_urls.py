"""The customer dashboard, under /<language>/app/ (included inside i18n_patterns).

Every URL with an id looks the object up among the signed-in user's own rows, so someone
else's id is a 404 whatever the method.
"""

from django.urls import path

from audits.views import dashboard as views_dashboard
from audits.views import report as views_report
from audits.views import scans as views_scans
from audits.views import websites as views_websites
from vivaseo_site.accounts import views as account_views
from vivaseo_site.notifications import views as notification_views
from vivaseo_site.support import views as support_views

app_name = "dashboard"

urlpatterns = [
    path("", views_dashboard.home, name="home"),
    # Websites
    path("websites/", views_websites.website_list, name="website_list"),
    path("websites/add/", views_websites.website_add, name="website_add"),
    path("websites/<int:pk>/", views_websites.website_detail, name="website_detail"),
    path("websites/<int:pk>/edit/", views_websites.website_edit, name="website_edit"),
    path("websites/<int:pk>/active/", views_websites.website_set_active, name="website_active"),
    path("websites/<int:pk>/delete/", views_websites.website_delete, name="website_delete"),
    path("websites/<int:pk>/audits/start/", views_scans.scan_start, name="scan_start"),
    path("websites/<int:pk>/compare/", views_report.website_compare, name="website_compare"),
    # Audits (the report pages extend these)
    path("audits/<int:pk>/", views_scans.scan_detail, name="scan_detail"),
    path("audits/<int:pk>/status.json", views_scans.scan_status, name="scan_status"),
    path("audits/<int:pk>/cancel/", views_scans.scan_cancel_view, name="scan_cancel"),
    # The report of a completed audit (its overview is scan_detail)
    path("audits/<int:pk>/findings/", views_report.scan_findings, name="scan_findings"),
    path("audits/<int:pk>/pages/", views_report.scan_pages, name="scan_pages"),
    path(
        "audits/<int:pk>/pages/<int:page_pk>/",
        views_report.scan_page_detail,
        name="scan_page_detail",
    ),
    path("audits/<int:pk>/site/", views_report.scan_site, name="scan_site"),
    path("audits/<int:pk>/findings.csv", views_report.findings_csv, name="scan_findings_csv"),
    path("audits/<int:pk>/pages.csv", views_report.pages_csv, name="scan_pages_csv"),
    path("audits/<int:pk>/report.pdf", views_report.report_pdf, name="scan_report_pdf"),
    # Notifications
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path(
        "notifications/read-all/",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/<int:pk>/open/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/<int:pk>/archive/",
        notification_views.notification_archive,
        name="notification_archive",
    ),
    # Support
    path("support/", support_views.ticket_list, name="ticket_list"),
    path("support/new/", support_views.ticket_create, name="ticket_create"),
    path("support/<int:pk>/", support_views.ticket_detail, name="ticket_detail"),
    # Account
    path("account/", account_views.account_profile, name="account"),
    path("account/schedule/", account_views.account_schedule, name="account_schedule"),
    path("account/delete/", account_views.account_delete, name="account_delete"),
    path(
        "account/notification-email/resend/",
        account_views.notification_email_resend,
        name="notification_email_resend",
    ),
    path(
        "account/notification-email/cancel/",
        account_views.notification_email_cancel,
        name="notification_email_cancel",
    ),
    # Signed out too: the link is followed from the notification address's mailbox.
    path(
        "account/notification-email/confirm/<str:token>/",
        account_views.notification_email_confirm,
        name="notification_email_confirm",
    ),
]
