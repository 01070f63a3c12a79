"""The lists' hand-written output is DRF's, byte for byte (blocking/api/serializers.py).

Each busy serializer writes its own `to_representation`, and the lists build their rows from
values rather than models. Here the same data goes through DRF's generic field-by-field
output (the serializers' declared fields, on models read the way the detail views read them)
and both are rendered by the API's JSON renderer.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from accounts.models import AccessService, IpAssignment, LineGroup, Subscriber, User
from accounts.selectors import subscriber_identifiers_attach
from blocking import selectors, services
from blocking.api import serializers as s
from blocking.api.views import _EXEMPTIONS, _LINES, AtQuerySerializer
from blocking.console.roles import SUPERVISOR_GROUP
from blocking.models import Exemption, ExemptionState, RolloutPhase
from blocking.policy import Advice, Rule
from blocking.selectors import lines_with_status
from blocking.stages import Stage
from tests.conftest import make_line, make_subscriber
from tests.integration.api.conftest import ADMIN, World, staff_user

pytestmark = pytest.mark.django_db

HAND_WRITTEN = (
    s.LineStatusSerializer,
    s.LineSerializer,
    s.SubscriberSerializer,
    s.ExemptionSerializer,
)


def _generic(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, the hand-written serializers write as DRF's generic Serializer does."""
    for serializer in HAND_WRITTEN:
        monkeypatch.setattr(
            serializer, "to_representation", serializers.Serializer.to_representation
        )


def _json(data: object) -> bytes:
    return bytes(JSONRenderer().render(data))


def _results(api: Client, path: str, params: dict[str, str] | None = None) -> bytes:
    response = api.get(path, params or {})
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None  # the page holds every row
    return _json(response.json()["results"])


@pytest.fixture
def variety(world: World) -> World:
    """Lines and exemptions of every kind the output distinguishes."""
    dialup = AccessService.objects.create(code="dialup", name="Dial-up", op25b_in_scope=False)
    LineGroup.objects.create(access_service=dialup, code="dialup-1", name="Dial-up 1")
    strict = AccessService.objects.create(
        code="biz", name="Business", op25b_in_scope=True, blocks_static_ip=True
    )
    biz = LineGroup.objects.create(access_service=strict, code="biz-1", name="Business 1")
    RolloutPhase.objects.create(
        line_group=biz, stage=Stage.MOBILE, effective_at=datetime(2006, 7, 1, 3, tzinfo=UTC)
    )
    jiro = make_subscriber("jiro")
    jiro.preferred_language = "en"
    jiro.save()
    make_line(jiro, "jiro@dialup", group="dialup-1")
    make_line(jiro, "jiro@biz", group="biz-1", static_ip="198.51.100.8")
    net = make_line(jiro, "jiro-net@eadsl", static_ip="198.51.100.16")
    net.ip_prefix_length = 29
    net.save()
    make_line(jiro, "jiro-v6@eadsl", group="eadsl-2", static_ip="2001:db8::1")

    supervisor = staff_user("supervisor-ken", SUPERVISOR_GROUP)
    now = timezone.now()
    line = make_line(jiro, "jiro@flets", group="flets-west")
    revoked = services.exemption_grant(
        line=line, actor=ADMIN, reason="Old server", ends_at=now + timedelta(days=9)
    )
    revoked.state = ExemptionState.REVOKED
    revoked.revoked_at = now.replace(microsecond=123456)
    revoked.revoked_by = supervisor
    revoked.save()
    Exemption.objects.create(
        line=line,
        state=ExemptionState.EXPIRED,
        reason="Long ago",
        starts_at=datetime(2006, 6, 20, tzinfo=UTC),
        ends_at=datetime(2006, 11, 1, 15, 30, tzinfo=UTC),
        requested_by=jiro.user,
        decided_by=supervisor,
        decided_at=datetime(2006, 6, 19, tzinfo=UTC),
        decision_message="Granted",
    )
    Exemption.objects.create(
        line=line,
        state=ExemptionState.DENIED,
        reason="Mail server",
        server_host="mail.jiro.example",
        contact="jiro@example.com",
        starts_at=now,
        ends_at=now + timedelta(days=30),
        requested_by=jiro.user,
        terms_version="2006-05",
        terms_accepted_at=now,
        decided_by=supervisor,
        decided_at=now,
        decision_message="Use port 587",
    )
    return world


AT = [
    "2006-05-01T00:00:00+09:00",  # before any phase
    "2006-06-10T12:00:00Z",  # some groups blocked for mobile carriers
    "2006-06-20T00:00:00.250000+09:00",  # the expired exemption's window, before its phase
    "2006-07-01T00:00:00Z",  # the expired exemption's window, its line blocked for mobile
    "2007-01-01T00:00:00-05:00",  # everything in force
]


@pytest.mark.parametrize("at", AT)
def test_line_list_as_drf_writes_it(
    at: str, variety: World, api: Client, monkeypatch: pytest.MonkeyPatch
):
    query = AtQuerySerializer(data={"at": at})
    query.is_valid(raise_exception=True)
    moment = query.validated_data["at"]
    written = _results(api, "/api/v1/lines/", {"page_size": "200", "at": at})

    _generic(monkeypatch)
    lines = lines_with_status(lines=_LINES.order_by("line_id"), at=moment)
    rows = [s.LineWithStatus(line, status) for line, status in lines]
    assert written == _json(s.LineSerializer(rows, many=True).data)


def test_line_detail_as_drf_writes_it(variety: World, api: Client, monkeypatch: pytest.MonkeyPatch):
    at = "2006-06-20T00:00:00+09:00"
    written = [api.get(f"/api/v1/lines/{line_id}/", {"at": at}).content for line_id in _line_ids()]

    _generic(monkeypatch)
    moment = datetime.fromisoformat(at)
    expected = []
    for line, status in lines_with_status(lines=_LINES.order_by("line_id"), at=moment):
        expected.append(_json(s.LineSerializer(s.LineWithStatus(line, status)).data))
    assert written == expected


def _line_ids() -> list[str]:
    return list(_LINES.order_by("line_id").values_list("line_id", flat=True))


def test_subscriber_list_as_drf_writes_it(
    variety: World, api: Client, monkeypatch: pytest.MonkeyPatch
):
    written = _results(api, "/api/v1/subscribers/?page_size=200")

    _generic(monkeypatch)
    subscribers = list(Subscriber.objects.order_by("account_id"))
    subscriber_identifiers_attach(subscribers=subscribers)
    assert written == _json(s.SubscriberSerializer(subscribers, many=True).data)


EXEMPTION_LISTS = {
    "exemptions": ("/api/v1/exemptions/?page_size=200", {}, ("-id",)),
    "requests": ("/api/v1/exemption-requests/", {"state": "requested"}, ("id",)),
    "expiring": ("/api/v1/exemptions/expiring/?within_days=366", {"state": "active"}, ("ends_at",)),
}


@pytest.mark.parametrize("name", EXEMPTION_LISTS)
def test_exemption_lists_as_drf_writes_them(
    name: str, variety: World, api: Client, monkeypatch: pytest.MonkeyPatch
):
    path, lookup, ordering = EXEMPTION_LISTS[name]
    written = _results(api, path)
    details = [api.get(f"/api/v1/exemptions/{pk}/").content for pk in _exemption_ids()]

    _generic(monkeypatch)
    exemptions = _EXEMPTIONS.filter(**lookup).order_by(*ordering)
    assert written == _json(s.ExemptionSerializer(exemptions, many=True).data)
    assert details == [
        _json(s.ExemptionSerializer(exemption).data) for exemption in _EXEMPTIONS.order_by("id")
    ]


def _exemption_ids() -> list[int]:
    return list(Exemption.objects.order_by("id").values_list("id", flat=True))


def test_every_kind_is_there(variety: World):
    """The data above is as varied as it means to be."""
    assert set(Exemption.objects.values_list("state", flat=True)) == set(ExemptionState.values)
    assert {line.ip_assignment for line in _LINES.all()} == set(IpAssignment.values)
    statuses = [
        status
        for at in AT
        for _line, status in lines_with_status(
            lines=_LINES.all(), at=datetime.fromisoformat(at.replace("Z", "+00:00"))
        )
    ]
    assert {status.rule for status in statuses} == set(Rule)
    assert {status.advice for status in statuses} == set(Advice)
    assert all(
        any(getattr(status, part) is None for status in statuses)
        and any(getattr(status, part) is not None for status in statuses)
        for part in ("phase", "exemption", "next_change")
    )


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "UTC", "America/New_York"])
def test_datetime_text_is_drf_datetime_field(zone: str, settings):
    settings.TIME_ZONE = zone
    field = serializers.DateTimeField()
    values = [
        datetime(2006, 6, 1, tzinfo=UTC),
        datetime(2006, 6, 1, 12, 30, 15, 250, tzinfo=UTC),
        datetime.fromisoformat("2006-12-31T23:59:59.999999+09:00"),
        datetime(2006, 6, 1, 9, 0),  # naive
        None,
    ]
    with timezone.override(zone):
        assert [s.datetime_text(value, s.current_timezone()) for value in values] == [
            None if value is None else field.to_representation(value) for value in values
        ]


def test_reads_compiled_once_answer_as_the_queryset_does(
    variety: World, monkeypatch: pytest.MonkeyPatch
):
    """The by-ID reads run SQL the ORM compiled once; without it they run the queryset."""
    line_ids = list(_LINES.all().values_list("pk", flat=True))
    group_ids = list(LineGroup.objects.values_list("pk", flat=True))
    user_ids = [*User.objects.values_list("pk", flat=True), None]

    def read() -> tuple[dict[Any, Any], ...]:
        return (
            selectors.exemption_windows_by_line(line_ids=line_ids),
            selectors.group_facts_by_id(group_ids=group_ids),
            selectors.usernames_by_id(ids=user_ids),
        )

    compiled = read()
    for name in ("_granted_exemptions_sql", "_group_facts_sql", "_usernames_sql"):
        monkeypatch.setattr(selectors, name, lambda vendor, count: None)

    assert compiled == read()
    assert all(len(found) > 1 for found in compiled)
