"""Guide content: every program complete, every value from MailSettings, nothing hard-coded."""

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.utils import translation

from blocking.models import AuthMethod
from portal.guides.model import (
    PLACEHOLDERS,
    REQUIRED_SECTION_KINDS,
    REQUIRED_STEP_IDS,
    Guide,
    guide_resolve,
    guide_values,
    text_placeholders,
    text_resolve,
    value_resolve,
)
from portal.guides.registry import GUIDES
from portal.mail_settings import MailSettings, ServerEndpoint

SLUGS = [
    "outlook",
    "outlook-classic",
    "thunderbird",
    "apple-mail",
    "iphone",
    "gmail-android",
    "becky",
    "windows-live-mail",
    "generic",
]

SAMPLE = MailSettings(
    mail_domain="example.ne.jp",
    pop=ServerEndpoint(host="pop.example.ne.jp", port=995, security="ssl"),
    imap=ServerEndpoint(host="imap.example.ne.jp", port=993, security="ssl"),
    submission=ServerEndpoint(host="smtp.example.ne.jp", port=587, security="starttls"),
    submission_tls=ServerEndpoint(host="smtp.example.ne.jp", port=465, security="ssl"),
    auth_methods=tuple(AuthMethod),
    pop_before_smtp=True,
    pop_before_smtp_window_minutes=10,
    submission_starts_at=datetime(2006, 6, 14, 15, 0, tzinfo=UTC),
    address=None,
    login=None,
)
# Unusual values: if a guide hard-coded a host, port or window, it would show up here.
UNUSUAL = replace(
    SAMPLE,
    pop=ServerEndpoint(host="in.mail.test", port=1995, security="ssl"),
    imap=ServerEndpoint(host="imap.mail.test", port=1993, security="ssl"),
    submission=ServerEndpoint(host="out.mail.test", port=2587, security="starttls"),
    submission_tls=ServerEndpoint(host="out.mail.test", port=2465, security="ssl"),
    pop_before_smtp_window_minutes=7,
    address="hanako@mail.test",
    login="hanako",
)


def _texts(guide: Guide) -> list[object]:
    texts: list[object] = [guide.name, guide.platform, guide.summary]
    if guide.warning:
        texts.append(guide.warning)
    for section in guide.sections:
        texts += [section.title, *([section.intro] if section.intro else [])]
        for step in section.steps:
            texts += [step.text, *step.menu, *([step.note] if step.note else [])]
            for field in step.fields:
                texts += [field.label, *([field.text] if field.text else [])]
                texts += list((field.options or {}).values())
    return texts


def _rendered(guide: Guide, settings: MailSettings) -> str:
    resolved = guide_resolve(guide=guide, settings=settings)
    parts = [str(resolved.warning or "")]
    for section in resolved.sections:
        parts += [section.title, str(section.intro or "")]
        for step in section.steps:
            parts += [str(step.text), str(step.note or ""), *step.menu]
            parts += [f"{field.label}={field.value}" for field in step.fields]
    return "\n".join(parts)


def test_guides_registry_lists_the_programs_in_order() -> None:
    assert list(GUIDES) == SLUGS
    assert [guide.slug for guide in GUIDES.values()] == SLUGS


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_has_every_required_section_with_steps(slug: str) -> None:
    guide = GUIDES[slug]
    kinds = {section.kind: section for section in guide.sections}
    assert [kind for kind in REQUIRED_SECTION_KINDS if kind not in kinds] == []
    assert [section.id for section in guide.sections if not section.steps] == []
    assert [s.id for s in guide.sections for step in s.steps if not str(step.text).strip()] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_has_every_step_troubleshooting_links_to(slug: str) -> None:
    assert sorted(set(REQUIRED_STEP_IDS) - GUIDES[slug].step_ids()) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_step_and_section_ids_unique(slug: str) -> None:
    guide = GUIDES[slug]
    step_ids = [step.id for section in guide.sections for step in section.steps]
    section_ids = [section.id for section in guide.sections]
    assert len(step_ids) == len(set(step_ids))
    assert len(section_ids) == len(set(section_ids))


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_every_value_path_resolves_on_sample_settings(slug: str) -> None:
    values = guide_values(settings=SAMPLE)
    guide = GUIDES[slug]
    unresolved = []
    for section in guide.sections:
        for step in section.steps:
            paths = [field.value for field in step.fields if field.value]
            for text in (step.text, step.note, section.intro, guide.warning):
                paths += text_placeholders(text) if text else []
            for path in paths:
                if path not in values:
                    unresolved.append((step.id, path))
            for field in step.fields:
                if field.options is not None:
                    raw = value_resolve(path=field.value or "", values=values)
                    assert str(raw) in field.options, (step.id, field.value)
    assert unresolved == []


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_agrees_with_mail_settings(slug: str) -> None:
    """The guide shows the submission host, both ports and their security as MailSettings says."""
    text = _rendered(GUIDES[slug], UNUSUAL)
    assert "out.mail.test" in text
    assert "2465" in text
    assert "2587" in text
    assert "in.mail.test" in text
    # Nothing from the usual values leaked in as a literal.
    usual = (r"\b465\b", r"\b587\b", r"\b995\b", r"\b10 minutes", r"example\.ne\.jp")
    assert [pattern for pattern in usual if re.search(pattern, text)] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_security_follows_mail_settings(slug: str) -> None:
    """The 465 endpoint shows the program's word for implicit TLS, 587 its word for STARTTLS."""
    guide = GUIDES[slug]
    resolved = guide_resolve(guide=guide, settings=SAMPLE)
    steps = {step.anchor: step for section in resolved.sections for step in section.steps}
    wording = {
        field.value: field.options
        for section in guide.sections
        for step in section.steps
        for field in step.fields
        if field.options is not None and field.value == "submission_preferred.security"
    }
    fields_465 = steps["step-outgoing-server"].fields
    fields_587 = steps["step-starttls-587"].fields
    assert "465" in [field.value for field in fields_465 + steps["step-smtp-auth"].fields] or (
        "465" in str(steps["step-outgoing-server"].text)
    )
    assert "587" in [field.value for field in fields_587]
    if wording:
        options = next(iter(wording.values()))
        assert str(options["ssl"]) in [field.value for field in fields_465]
        assert str(options["starttls"]) in [field.value for field in fields_587]


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_without_implicit_tls_recommends_587(slug: str) -> None:
    settings = replace(
        SAMPLE,
        submission_tls=None,
        auth_methods=(AuthMethod.POP_BEFORE_SMTP, AuthMethod.SMTP_AUTH_STARTTLS),
    )
    resolved = guide_resolve(guide=GUIDES[slug], settings=settings)
    anchors = [step.anchor for section in resolved.sections for step in section.steps]
    assert "step-starttls-587" not in anchors
    assert "465" not in _rendered(GUIDES[slug], settings)
    assert "587" in _rendered(GUIDES[slug], settings)


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_without_pop_before_smtp_hides_that_section(slug: str) -> None:
    settings = replace(
        SAMPLE,
        pop_before_smtp=False,
        auth_methods=(AuthMethod.SMTP_AUTH_STARTTLS, AuthMethod.SMTP_AUTH_TLS),
    )
    resolved = guide_resolve(guide=GUIDES[slug], settings=settings)
    assert "pop-before-smtp" not in [section.id for section in resolved.sections]


def test_guide_anonymous_shows_placeholders_not_values() -> None:
    resolved = guide_resolve(guide=GUIDES["generic"], settings=SAMPLE)
    fields = [field for section in resolved.sections for s in section.steps for field in s.fields]
    logins = [field for field in fields if field.value == str(PLACEHOLDERS["login"])]
    addresses = [field for field in fields if field.value == str(PLACEHOLDERS["address"])]
    assert logins != []
    assert addresses != []
    assert {field.placeholder for field in logins + addresses} == {True}
    assert {field.literal for field in logins + addresses} == {False}


def test_guide_personal_shows_address_and_login() -> None:
    text = _rendered(GUIDES["generic"], UNUSUAL)
    assert "=hanako@mail.test" in text
    assert "=hanako\n" in text


def test_text_resolve_escapes_text_and_values() -> None:
    values = guide_values(settings=replace(SAMPLE, login="<b>x</b>"))
    html = text_resolve(text="Log in as %(login)s & <send>", values=values)
    assert html == (
        'Log in as <strong class="value">&lt;b&gt;x&lt;/b&gt;</strong> &amp; &lt;send&gt;'
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_text_translated_to_japanese(slug: str) -> None:
    """Every step, section and note reads in Japanese, not English (after the catalogue merge)."""
    guide = GUIDES[slug]
    texts = [
        text
        for section in guide.sections
        for text in (
            section.title,
            *([section.intro] if section.intro else []),
            *(step.text for step in section.steps),
            *(step.note for step in section.steps if step.note),
        )
    ]
    with translation.override("en"):
        english = [str(text) for text in texts]
    with translation.override("ja"):
        japanese = [str(text) for text in texts]
    assert [en for en, ja in zip(english, japanese, strict=True) if en == ja] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_every_text_renders_in_both_languages(slug: str) -> None:
    for language in ("ja", "en"):
        with translation.override(language):
            assert [str(text) for text in _texts(GUIDES[slug]) if not str(text).strip()] == []
            assert _rendered(GUIDES[slug], UNUSUAL) != ""
