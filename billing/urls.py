"""The subscription pages, under /<language>/app/account/subscription/."""

from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("", views.subscription, name="subscription"),
    path("checkout/", views.checkout, name="checkout"),
    path("portal/", views.portal, name="portal"),
    path("sync/", views.sync, name="sync"),
]
