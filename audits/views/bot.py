"""The page VivaSEOBot's user agent links to: what the crawler is and how to control it."""

from django.shortcuts import render

from audits.crawl_settings import bot_user_agent


def bot(request):
    return render(request, "bot.html", {"user_agent": bot_user_agent()})
