"""Fixtures for the subscriber pages: logged-in clients for taro and for a staff member."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Line, Mailbox, Subscriber, User
from blocking.models import Exemption, ExemptionState, RolloutPhase
from blocking.terms import EXEMPTION_CONDITIONS, EXEMPTION_TERMS_VERSION


@pytest.fixture
def taro_client(client: Client, subscriber: Subscriber) -> Client:
    client.force_login(subscriber.user)
    return client


@pytest.fixture
def staff_user(db: None) -> User:
    return User.objects.create_user(username="agent1", password="agent-password-1", is_staff=True)


@pytest.fixture
def schedule_around_now(announcement: None) -> None:
    """eadsl-1 fully blocked since yesterday; flets-east blocked to mobiles in 10 days."""
    now = timezone.now()
    RolloutPhase.objects.filter(line_group__code="eadsl-1", stage="mobile").update(
        effective_at=now - timedelta(days=30)
    )
    RolloutPhase.objects.filter(line_group__code="eadsl-1", stage="full").update(
        effective_at=now - timedelta(days=1)
    )
    RolloutPhase.objects.filter(line_group__code="flets-east", stage="mobile").update(
        effective_at=now + timedelta(days=10)
    )
    RolloutPhase.objects.filter(line_group__code="flets-east", stage="full").update(
        effective_at=now + timedelta(days=100)
    )


def exemption_make(line: Line, state: ExemptionState, **fields: object) -> Exemption:
    now = timezone.now()
    return Exemption.objects.create(
        line=line,
        state=state,
        reason=fields.pop("reason", "Own mail server"),
        starts_at=fields.pop("starts_at", now - timedelta(days=1)),
        ends_at=fields.pop("ends_at", now + timedelta(days=30)),
        terms_version=EXEMPTION_TERMS_VERSION,
        **fields,
    )


def exemption_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "conditions": [str(i) for i in range(len(EXEMPTION_CONDITIONS))],
        "reason": "Our shop's order system sends confirmations from its own server.",
        "server_host": "Mail.Taro-Shop.example.jp",
        "contact": "03-1234-5678",
        "accept_terms": "on",
        "terms_version": EXEMPTION_TERMS_VERSION,
    }
    data.update(overrides)
    return data


__all__ = ["Mailbox", "exemption_form", "exemption_make"]
