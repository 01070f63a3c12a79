"""Who may see a subscriber page: a logged-in subscriber, and only their own data."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from accounts.models import Subscriber

# The staff console's mount point (portal/urls.py); staff have no subscriber pages.
STAFF_CONSOLE_URL = "/staff/"

SubscriberView = Callable[..., HttpResponse]


def subscriber_required(view: SubscriberView) -> Callable[..., HttpResponse]:
    """Give the view the logged-in user's `subscriber` as a keyword argument.

    Anonymous visitors go to the login page; staff to their console; a login without
    a customer account gets a page that says so (403), never someone else's data.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.is_staff:
            return HttpResponseRedirect(STAFF_CONSOLE_URL)
        try:
            subscriber = user.subscriber  # read with the user (accounts/backends.py)
        except Subscriber.DoesNotExist:
            return render(request, "subscriber/no_account.html", status=403)
        return view(request, *args, subscriber=subscriber, **kwargs)

    return wrapper
