"""The portal's URLs plus the load benchmark's yardsticks.

/bench/bare is the smallest Django view, the baseline of every ratio; /bench/layout is an empty
page in the site's layout (base.html): the least any page of the site costs.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def layout(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


urlpatterns = [
    path("bench/bare", bare, name="bench_bare"),
    path("bench/layout", layout, name="bench_layout"),
    path("", include("portal.urls")),
]
