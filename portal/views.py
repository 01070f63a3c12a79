from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def notice(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/notice.html", {"now": timezone.now()})
