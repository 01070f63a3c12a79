"""The public pages of the portal: the notice and "will my mail still go out?".

Both are read-only and anonymous. Each runs three queries whatever the size of
the schedule: the line groups with their services, their phases, and the
submission service (through `mail_settings_get`); the notice's content is then
kept for a few seconds (portal/published.py), so most visits run none.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.audit import request_source_ip
from blocking.advice import (
    Answer,
    Connection,
    Outcome,
    Question,
    Sender,
    StageWindow,
    checker_answer,
    connection_for_ip,
    stage_windows,
)
from blocking.selectors import ServiceSchedule, schedule_by_service
from blocking.stages import Stage
from portal.mail_settings import MailSettings, mail_settings_get
from portal.published import NOTICE, published_page


def url_or_none(name: str, *args: str) -> str | None:
    """A URL made by another part of the site, or None while it is not routed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _date(at: datetime) -> str:
    return formats.date_format(timezone.localtime(at), "DATE_FORMAT")


# ---------------------------------------------------------------------------
# The rollout timeline: a vertical list of dated events, drawn as SVG so that it
# reads on a 390 px phone without shrinking the text.
# ---------------------------------------------------------------------------
TIMELINE_WIDTH = 360
_LINE = 22  # one line of text
_GAP = 16  # between events


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # "mobile", "full", "submission" or "today"
    title: str
    lines: tuple[str, ...]
    y: int = 0

    @property
    def date(self) -> str:
        return _date(self.at)

    @property
    def marker_y(self) -> int:
        return self.y + 13

    @property
    def date_y(self) -> int:
        return self.y + 18

    @property
    def title_y(self) -> int:
        return self.y + 18 + _LINE

    @property
    def line_ys(self) -> list[tuple[int, str]]:
        return [(self.title_y + _LINE * (i + 1), text) for i, text in enumerate(self.lines)]

    @property
    def band_height(self) -> int:
        return self.bottom - self.y + 2

    @property
    def bottom(self) -> int:
        return self.title_y + _LINE * len(self.lines) + 6


@dataclass(frozen=True)
class Timeline:
    events: tuple[TimelineEvent, ...]
    height: int
    width: int = TIMELINE_WIDTH

    @property
    def summary(self) -> str:
        return " ".join(
            f"{e.date}: {e.title}{': ' if e.lines else ''}{', '.join(e.lines)}."
            for e in self.events
        )


def timeline_build(
    *, schedule: list[ServiceSchedule], mail: MailSettings | None, at: datetime
) -> Timeline:
    """The dated events of the rollout, with today's place among them."""
    by_moment: dict[tuple[datetime, Stage], list[str]] = defaultdict(list)
    for item in schedule:
        if not item.service.op25b_in_scope:
            continue
        for row in item.groups:
            for phase in row.phases:
                by_moment[(phase.effective_at, phase.stage)].append(row.group.name)
    titles = {
        Stage.MOBILE: _("Port 25 to mobile carriers blocked"),
        Stage.FULL: _("All port 25 blocked except to our servers"),
    }
    events = [
        TimelineEvent(at=moment, kind=stage.value, title=titles[stage], lines=tuple(groups))
        for (moment, stage), groups in by_moment.items()
    ]
    if mail is not None and mail.submission_starts_at.year > 1970:
        events.append(
            TimelineEvent(
                at=mail.submission_starts_at,
                kind="submission",
                title=_("Submission port %(port)s opens") % {"port": mail.submission.port},
                lines=(),
            )
        )
    if events:
        events.append(TimelineEvent(at=at, kind="today", title=_("Today"), lines=()))
    # Today sorts after an event of the same instant: that event has begun.
    events.sort(key=lambda e: (e.at, e.kind == "today"))
    placed: list[TimelineEvent] = []
    y = 0
    for event in events:
        placed.append(
            TimelineEvent(at=event.at, kind=event.kind, title=event.title, lines=event.lines, y=y)
        )
        y = placed[-1].bottom + _GAP
    return Timeline(events=tuple(placed), height=max(y, 1))


# ---------------------------------------------------------------------------
# Which mail paths stay open: a fixed picture, its words and dates from the data.
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MailPath:
    source: str
    destination: str
    detail: str
    open: bool
    status: str
    y: int = 0


PATHS_ROW = 96


def mail_paths_build(
    *, mail: MailSettings, windows: tuple[StageWindow, ...]
) -> tuple[MailPath, ...]:
    dates = {w.stage: w.earliest for w in windows}

    def blocked_from(stage: Stage) -> str:
        if stage not in dates:
            return _("Blocked when the stage begins")
        return _("Blocked from %(date)s") % {"date": _date(dates[stage])}

    ports = (
        f"{mail.submission.port} / {mail.submission_tls.port}"
        if mail.submission_tls
        else f"{mail.submission.port}"
    )
    rows = (
        (
            _("From our line"),
            _("To our mail server"),
            _("%(host)s, port %(ports)s")
            % {"host": mail.submission.host, "ports": f"25 / {ports}"},
            True,
            _("Stays open"),
        ),
        (
            _("From our line"),
            _("To another provider's server"),
            _("Port %(ports)s with authentication") % {"ports": ports},
            True,
            _("Stays open"),
        ),
        (
            _("From our line"),
            _("Directly to mobile carriers"),
            _("Port 25 (your own server)"),
            False,
            blocked_from(Stage.MOBILE),
        ),
        (
            _("From our line"),
            _("To any other server"),
            _("Port 25"),
            False,
            blocked_from(Stage.FULL),
        ),
        (
            _("From another provider"),
            _("To our mail server"),
            _("%(host)s, port %(ports)s") % {"host": mail.submission.host, "ports": ports},
            True,
            _("Open from %(date)s") % {"date": _date(mail.submission_starts_at)}
            if mail.submission_starts_at.year > 1970
            else _("Stays open"),
        ),
    )
    return tuple(
        MailPath(source=s, destination=d, detail=t, open=o, status=st, y=i * PATHS_ROW)
        for i, (s, d, t, o, st) in enumerate(rows)
    )


def _figures(schedule: list[ServiceSchedule], mail: MailSettings, at: datetime) -> dict[str, Any]:
    windows = _general_windows(schedule)
    paths = mail_paths_build(mail=mail, windows=windows)
    return {
        "timeline": timeline_build(schedule=schedule, mail=mail, at=at),
        "mail_paths": paths,
        "mail_paths_height": len(paths) * PATHS_ROW,
    }


def notice_turns_at(
    *, schedule: list[ServiceSchedule], mail: MailSettings, at: datetime
) -> datetime:
    """The next instant the notice changes by itself: a phase begins, port 587 opens, or the
    date (Japan time) turns, which moves "today" on the timeline."""
    tomorrow = timezone.localtime(at) + timedelta(days=1)
    moments = [tomorrow.replace(hour=0, minute=0, second=0, microsecond=0)]
    moments += [
        phase.effective_at
        for item in schedule
        for row in item.groups
        for phase in row.phases
        if phase.effective_at > at
    ]
    if mail.submission_starts_at > at:
        moments.append(mail.submission_starts_at)
    return min(moments)


def _notice_content(request: HttpRequest, at: datetime) -> tuple[str, datetime]:
    schedule = schedule_by_service(at=at)
    mail = mail_settings_get()
    content = render_to_string(
        "portal/_notice_content.html",
        {
            "schedule": schedule,
            "mail": mail,
            "as_of": at,
            "has_static_exception": any(
                s.service.op25b_in_scope and not s.service.blocks_static_ip for s in schedule
            ),
            "out_of_scope_services": [s.service for s in schedule if not s.service.op25b_in_scope],
            "checker_url": reverse("checker"),
            "guides_url": url_or_none("guide_list"),
            **_figures(schedule, mail, at),
        },
        request=request,
    )
    return content, notice_turns_at(schedule=schedule, mail=mail, at=at)


@require_safe
def notice(request: HttpRequest) -> HttpResponse:
    """The public notice: what is blocked from when, for whom, and port 587.

    It is the same for every visitor in a language, so it is kept for a few seconds
    (portal/published.py): the whole page for most visitors, the content otherwise.
    """
    at = timezone.now()
    return published_page(
        request,
        name=NOTICE,
        variant=get_language(),
        build=lambda: _notice_content(request, at),
        template="portal/notice.html",
    )


# ---------------------------------------------------------------------------
# "Will my mail still go out?"
# ---------------------------------------------------------------------------
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.?$")
GENERAL = ""


class CheckerForm(forms.Form):
    connection = forms.ChoiceField(
        label=gettext_lazy("How do you connect to the Internet when you send mail?"),
        choices=Connection.choices,
        widget=forms.RadioSelect,
    )
    sender = forms.ChoiceField(
        label=gettext_lazy("Which outgoing (SMTP) server does your mail program use?"),
        choices=Sender.choices,
        widget=forms.RadioSelect,
    )
    host = forms.CharField(
        label=gettext_lazy("Outgoing server name (optional)"),
        required=False,
        max_length=253,
        help_text=gettext_lazy("As shown in your mail program, e.g. smtp.example.ne.jp."),
    )
    port = forms.IntegerField(
        label=gettext_lazy("Outgoing server port (optional)"),
        required=False,
        min_value=1,
        max_value=65535,
        help_text=gettext_lazy("Usually 25, 587 or 465. Leave it empty if you don't know."),
    )
    line_group = forms.ChoiceField(
        label=gettext_lazy("Your line (optional)"),
        required=False,
        help_text=gettext_lazy(
            "Your service and line group, as on your contract or your page. "
            "If you don't know, we answer for the general schedule."
        ),
    )
    static_ip = forms.BooleanField(
        label=gettext_lazy("My line has a fixed (static) IP address"), required=False
    )

    def __init__(self, *args: Any, schedule: list[ServiceSchedule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        choices: list[tuple[str, Any]] = [(GENERAL, _("I don't know"))]
        for item in schedule:
            choices.append(
                (
                    item.service.name,
                    [(str(row.group.pk), row.group.name) for row in item.groups],
                )
            )
        line_group = self.fields["line_group"]
        assert isinstance(line_group, forms.ChoiceField)  # noqa: S101 - declared above
        line_group.choices = choices
        self.fields["port"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["host"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        )

    def clean_host(self) -> str:
        host: str = self.cleaned_data["host"].strip()
        if host and not _HOST.match(host):
            raise forms.ValidationError(
                _("Enter a server name such as smtp.example.ne.jp, without spaces.")
            )
        return host


@dataclass(frozen=True)
class ChosenLine:
    service_name: str
    group_name: str
    in_scope: bool
    blocks_static_ip: bool
    windows: tuple[StageWindow, ...]


def _chosen_line(schedule: list[ServiceSchedule], group_pk: str) -> ChosenLine | None:
    for item in schedule:
        for row in item.groups:
            if str(row.group.pk) == group_pk:
                return ChosenLine(
                    service_name=item.service.name,
                    group_name=row.group.name,
                    in_scope=item.service.op25b_in_scope,
                    blocks_static_ip=item.service.blocks_static_ip,
                    windows=stage_windows(schedules=[row.phases]),
                )
    return None


def _general_windows(schedule: list[ServiceSchedule]) -> tuple[StageWindow, ...]:
    return stage_windows(
        schedules=[
            row.phases for item in schedule if item.service.op25b_in_scope for row in item.groups
        ]
    )


@dataclass(frozen=True)
class MomentView:
    """One row of the answer, in words."""

    when: str
    blocked: str
    outcome: Outcome
    outcome_text: str
    started: bool


def _outcome_text(outcome: Outcome) -> str:
    return {
        Outcome.SENDS: _("Your mail goes out."),
        Outcome.MOBILE_FAILS: _(
            "Mail to mobile phone addresses does not go out. Other mail still goes out."
        ),
        Outcome.FAILS: _("Your mail does not go out."),
        Outcome.PROVIDER_DECIDES: _(
            "Our blocking does not apply, but the provider you connect through may block port 25."
        ),
    }[outcome]


def _stage_text(stage: Stage, connection: Connection) -> str:
    if connection is Connection.OTHER_ISP:
        return _("Our blocking does not apply to other providers' lines.")
    return str(stage.label)


def _when(window: StageWindow | None) -> str:
    if window is None:
        return _("Now")
    if window.earliest == window.latest:
        return _("From %(date)s") % {"date": _date(window.earliest)}
    return _("From %(first)s to %(last)s, depending on your line group") % {
        "first": _date(window.earliest),
        "last": _date(window.latest),
    }


def answer_rows(answer: Answer) -> list[MomentView]:
    rows = []
    for moment in (answer.now, *answer.coming):
        rows.append(
            MomentView(
                when=_when(moment.window),
                blocked=_stage_text(moment.stage, answer.question.connection),
                outcome=moment.outcome,
                outcome_text=_outcome_text(moment.outcome),
                started=moment.started,
            )
        )
    return rows


def _visitor_connection(request: HttpRequest) -> Connection | None:
    ip = request_source_ip(request)
    if ip is None:
        return None
    return connection_for_ip(ip=ip, networks=settings.PORTAL_OUR_NETWORKS)


@require_safe
def checker(request: HttpRequest) -> HttpResponse:
    """Will my mail still go out? A GET form, so an answer can be bookmarked or shared."""
    at = timezone.now()
    schedule = schedule_by_service(at=at)
    mail = mail_settings_get()
    detected = _visitor_connection(request)
    submitted = "connection" in request.GET or "sender" in request.GET
    form = CheckerForm(
        request.GET if submitted else None,
        schedule=schedule,
        initial={"connection": detected.value if detected else None},
    )
    context: dict[str, Any] = {
        "form": form,
        "detected": detected,
        "mail": mail,
        "guides_url": url_or_none("guide_list"),
        "generic_guide_url": url_or_none("guide_detail", "generic"),
        "dashboard_url": url_or_none("dashboard"),
    }
    if submitted and form.is_valid():
        data = form.cleaned_data
        line = _chosen_line(schedule, data["line_group"]) if data["line_group"] else None
        question = Question(
            connection=Connection(data["connection"]),
            sender=Sender(data["sender"]),
            port=data["port"],
            host=data["host"],
            service_in_scope=line.in_scope if line else True,
            service_blocks_static_ip=line.blocks_static_ip if line else False,
            static_ip=data["static_ip"],
        )
        answer = checker_answer(
            question=question,
            windows=line.windows if line else _general_windows(schedule),
            at=at,
            our_hosts=(mail.submission.host, mail.pop.host, mail.imap.host),
            mail_domain=mail.mail_domain,
            submission_starts_at=mail.submission_starts_at,
        )
        context.update(
            {
                "answer": answer,
                "line": line,
                "rows": answer_rows(answer),
                "actions": [a.value for a in answer.actions],
                "change_by": _date(answer.change_by) if answer.change_by else None,
                "change_now": answer.change_by is not None and answer.change_by <= at,
            }
        )
    return render(request, "portal/checker.html", context)


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Public, touches nothing."""
    return HttpResponse("ok\n", content_type="text/plain")
