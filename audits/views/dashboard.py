"""Customer dashboard home: websites and their trend, running audits, recent notifications,
and what the free audits still allow."""

from django.shortcuts import render

from audits.selectors import websites as website_selectors
from billing.selectors import usage_this_period
from vivaseo_site.dashboard import customer_view
from vivaseo_site.notifications.selectors import notifications_recent

HOME_WEBSITES = 6


@customer_view
def home(request):
    user = request.user
    websites = list(website_selectors.websites_for_user(user=user)[: HOME_WEBSITES + 1])
    for website in websites:
        website.trend = website_selectors.score_trend(website.latest_score, website.previous_score)
    running = list(website_selectors.scans_running(user=user)[:10])
    return render(
        request,
        "dashboard/home.html",
        {
            "websites": websites[:HOME_WEBSITES],
            "more_websites": len(websites) > HOME_WEBSITES,
            "counts": website_selectors.website_counts(user=user),
            "running_scans": running,
            "recent_notifications": notifications_recent(user=user, limit=5),
            "usage": usage_this_period(user),
            "nav": "home",
        },
    )
