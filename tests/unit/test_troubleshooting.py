"""Troubleshooting content: every entry leads to a real step of a real guide."""

import pytest
from django.utils import translation

from portal.guides.model import (
    PLACEHOLDERS,
    guide_resolve,
    guide_values,
    text_placeholders,
    text_resolve,
)
from portal.guides.registry import GUIDES
from portal.guides.troubleshooting import PROBLEMS
from portal.mail_settings import MailSettings
from tests.unit.test_guides import SAMPLE, UNUSUAL


def test_troubleshooting_every_link_resolves_to_a_guide_step() -> None:
    broken = [
        (problem.id, link.slug, link.step)
        for problem in PROBLEMS
        for link in problem.links
        if link.slug not in GUIDES or link.step not in GUIDES[link.slug].step_ids()
    ]
    assert broken == []


def test_troubleshooting_every_link_is_shown_with_the_usual_settings() -> None:
    shown = {
        slug: {
            step.anchor
            for section in guide_resolve(guide=guide, settings=SAMPLE).sections
            for step in section.steps
        }
        for slug, guide in GUIDES.items()
    }
    hidden = [
        (problem.id, link.slug, link.anchor)
        for problem in PROBLEMS
        for link in problem.links
        if link.anchor not in shown[link.slug]
    ]
    assert hidden == []


def test_troubleshooting_covers_the_errors_people_see() -> None:
    codes = " ".join(problem.code for problem in PROBLEMS)
    assert [
        code
        for code in ("553 ", "530 ", "535 ", "538 ", "0x800CCC79", "0x800CCC0E")
        if code not in codes
    ] == []
    ids = {problem.id for problem in PROBLEMS}
    assert {"port-25-timeout", "thunderbird-timeout", "apple-cannot-send"} <= ids


def test_troubleshooting_ids_unique_and_every_entry_links_somewhere() -> None:
    ids = [problem.id for problem in PROBLEMS]
    assert len(ids) == len(set(ids))
    assert [problem.id for problem in PROBLEMS if not problem.links] == []


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("mail", [SAMPLE, UNUSUAL], ids=["anonymous", "personal"])
def test_troubleshooting_texts_resolve(mail: MailSettings, language: str) -> None:
    values = guide_values(settings=mail)
    missing = [
        (problem.id, path)
        for problem in PROBLEMS
        for text in (problem.cause, problem.fix)
        for path in text_placeholders(text)
        if path not in values
    ]
    assert missing == []
    with translation.override(language):
        fixes = [str(text_resolve(text=problem.fix, values=values)) for problem in PROBLEMS]
    assert [fix for fix in fixes if not fix] == []
    wrong_password = next(problem for problem in PROBLEMS if problem.id == "authentication-failed")
    login = str(mail.login or PLACEHOLDERS["login"])
    assert login in str(text_resolve(text=wrong_password.cause, values=values))
