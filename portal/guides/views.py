"""Setup guides and troubleshooting: public pages, filled in for a logged-in subscriber.

Anyone may read them (the announcement sends people here); what a subscriber
additionally sees is only their own mailbox, chosen by `selectors.mailbox_choose`.
"""

from datetime import datetime
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from portal.guides.content.generic import SUMMARY
from portal.guides.model import Guide, field_resolve, guide_resolve, guide_values, text_resolve
from portal.guides.registry import GUIDES, guide_get
from portal.guides.selectors import MailboxChoice, mailbox_choose
from portal.guides.troubleshooting import PROBLEMS
from portal.mail_settings import MailSettings, mail_settings_get
from portal.published import GUIDE, GUIDE_LIST, published_page


def _settings_for(request: HttpRequest) -> tuple[MailSettings, MailboxChoice]:
    choice = mailbox_choose(user=request.user, requested=request.GET.get("mailbox"))
    return mail_settings_get(mailbox=choice.chosen), choice


def _common_context(settings: MailSettings, choice: MailboxChoice) -> dict[str, object]:
    # Links between the guide pages keep a chosen mailbox when there is a choice at all.
    mailbox_query = ""
    if choice.chosen is not None and len(choice.mailboxes) > 1:
        mailbox_query = "?" + urlencode({"mailbox": choice.chosen.address})
    return {
        "mail": settings,
        "mailbox_query": mailbox_query,
        "summary": tuple(
            field_resolve(item=item, values=guide_values(settings=settings)) for item in SUMMARY
        ),
        "choice": choice,
        "suspended": choice.suspended,
        "submission_open": settings.submission_available(at=timezone.now()),
    }


def _guide_list_content(request: HttpRequest) -> tuple[str, datetime | None]:
    settings, choice = _settings_for(request)
    content = render_to_string(
        "guides/_guide_list_content.html",
        {"guides": GUIDES.values(), **_common_context(settings, choice)},
        request=request,
    )
    return content, settings.submission_starts_at


@require_safe
def guide_list(request: HttpRequest) -> HttpResponse:
    """Every program's guide, the values to enter, and the way to troubleshooting.

    Kept like the guides themselves (see guide_detail).
    """
    if request.user.is_authenticated:
        content = _guide_list_content(request)[0]
        return render(request, "guides/guide_list.html", {"content": content})
    return published_page(
        request,
        name=GUIDE_LIST,
        variant=get_language(),
        build=lambda: _guide_list_content(request),
        template="guides/guide_list.html",
    )


def _guide_detail_content(request: HttpRequest, guide: Guide) -> tuple[str, datetime | None]:
    settings, choice = _settings_for(request)
    content = render_to_string(
        "guides/_guide_detail_content.html",
        {
            "guide": guide_resolve(guide=guide, settings=settings),
            "guides": GUIDES.values(),
            **_common_context(settings, choice),
        },
        request=request,
    )
    # "Available from <date>" goes once port 587 opens.
    return content, settings.submission_starts_at


@require_safe
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One program's guide, filled in with the reader's values.

    What anonymous readers see is the same for all of them in a language, so it is kept for a
    few seconds (portal/published.py); a subscriber's own values are never cached.
    """
    guide = guide_get(slug=slug)
    if guide is None:
        return render(
            request,
            "guides/guide_not_found.html",
            {"guides": GUIDES.values(), "slug": slug},
            status=404,
        )
    context = {"guide_name": guide.name}
    if request.user.is_authenticated:
        content = _guide_detail_content(request, guide)[0]
        return render(request, "guides/guide_detail.html", {**context, "content": content})
    return published_page(
        request,
        name=GUIDE,
        variant=f"{slug}:{get_language()}",
        build=lambda: _guide_detail_content(request, guide),
        template="guides/guide_detail.html",
        context=context,
    )


@require_safe
def troubleshooting(request: HttpRequest) -> HttpResponse:
    """The errors people see, each with its cause and links to the steps that fix it."""
    settings, choice = _settings_for(request)
    values = guide_values(settings=settings)
    problems = [
        {
            "problem": problem,
            "cause": text_resolve(text=problem.cause, values=values),
            "fix": text_resolve(text=problem.fix, values=values),
            "links": [(GUIDES[link.slug], link) for link in problem.links],
        }
        for problem in PROBLEMS
    ]
    return render(
        request,
        "guides/troubleshooting.html",
        {"problems": problems, **_common_context(settings, choice)},
    )
