"""The portal's URLs plus the load benchmark's yardsticks.

/bench/bare is the smallest Django view, the baseline of every ratio. The floors are the
least a page of each kind costs before it does anything of its own:
- /bench/layout: an empty page in the site's layout (base.html), for anonymous pages;
- /bench/subscriber: "ok" for a logged-in subscriber (session, user and account read, as
  every subscriber page does);
- /bench/api: an empty answer through the API's authentication, permission and throttle;
- /bench/staff: "ok" for staff past their second factor, through the console's permission
  check.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Subscriber
from blocking.api.permissions import read
from blocking.api.views import ApiView
from blocking.console import roles
from blocking.console.permissions import console_view
from portal.subscriber.access import subscriber_required


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def layout(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


@subscriber_required
def subscriber(request: HttpRequest, *, subscriber: Subscriber) -> HttpResponse:
    return HttpResponse(subscriber.account_id, content_type="text/plain")


class Api(ApiView):
    access = read(roles.VIEW_CONSOLE)

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({})


@console_view(permission=roles.VIEW_CONSOLE)
def staff(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare, name="bench_bare"),
    path("bench/layout", layout, name="bench_layout"),
    path("bench/subscriber", subscriber, name="bench_subscriber"),
    path("bench/api", Api.as_view(), name="bench_api"),
    path("bench/staff", staff, name="bench_staff"),
    path("", include("portal.urls")),
]
