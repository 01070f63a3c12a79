"""The shape of a setup guide, and how a guide is filled in from `MailSettings`.

Guide content (one module per mail program under `content/`) never holds a host
name, a port or a number of minutes: fields name a value path ("submission.host")
and step texts name placeholders ("%(submission_host)s"). `guide_resolve` fills
both in from the one source of server values, so the guides cannot disagree
with autoconfig or with the mail backend.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from portal.mail_settings import MailSettings, ServerEndpoint

type Text = str | Promise


class SectionKind(StrEnum):
    """What a section is for; every guide has one of each required kind."""

    SMTP_AUTH = "smtp-auth"
    POP_BEFORE_SMTP = "pop-before-smtp"
    INCOMING = "incoming"
    OTHER = "other"


REQUIRED_SECTION_KINDS = (SectionKind.SMTP_AUTH, SectionKind.POP_BEFORE_SMTP, SectionKind.INCOMING)

# Step anchors the troubleshooting page links to; every guide has each of them.
REQUIRED_STEP_IDS = (
    "outgoing-server",
    "smtp-auth",
    "starttls-587",
    "pop-before-smtp",
    "incoming-server",
)


class Requirement(StrEnum):
    """A condition on the settings for a section or step to be shown."""

    SMTP_AUTH = "smtp_auth"
    SUBMISSION_TLS = "submission_tls"
    POP_BEFORE_SMTP = "pop_before_smtp"


@dataclass(frozen=True)
class Field:
    """One field of the program's dialog and what to put in it.

    `value` is a path into the guide values ("submission.host"); `options`
    turns a raw value (a security "ssl"/"starttls"/"none") into the program's
    own wording; `text` is a fixed choice in the program ("Normal password").
    """

    label: Text
    value: str | None = None
    options: Mapping[str, Text] | None = None
    text: Text | None = None


@dataclass(frozen=True)
class Step:
    """One numbered step. `id` is its stable anchor (`#step-<id>`)."""

    id: str
    text: Text
    menu: tuple[Text, ...] = ()
    fields: tuple[Field, ...] = ()
    note: Text | None = None
    requires: Requirement | None = None


@dataclass(frozen=True)
class Section:
    id: str
    kind: SectionKind
    title: Text
    steps: tuple[Step, ...]
    intro: Text | None = None
    requires: Requirement | None = None


@dataclass(frozen=True)
class Guide:
    slug: str
    name: Text
    platform: Text
    summary: Text
    sections: tuple[Section, ...]
    legacy: bool = False
    warning: Text | None = None

    def step_ids(self) -> set[str]:
        return {step.id for section in self.sections for step in section.steps}


# What the reader sees where a personal value would go when nobody is logged in.
PLACEHOLDERS: Mapping[str, Text] = {
    "address": _("your mail address"),
    "login": _("your mail account ID"),
}


class UnknownValuePath(KeyError):
    """A guide names a value that `MailSettings` does not have."""


def _endpoint_values(prefix: str, endpoint: ServerEndpoint) -> dict[str, str | int]:
    return {
        f"{prefix}.host": endpoint.host,
        f"{prefix}.port": endpoint.port,
        f"{prefix}.security": endpoint.security,
    }


def guide_values(*, settings: MailSettings) -> dict[str, str | int | None]:
    """Every value a guide may name, by path; None where a personal value is unknown.

    `submission_preferred` is what RFC 8314 prefers: implicit TLS (465) when the
    service offers it, otherwise STARTTLS on 587.
    """
    values: dict[str, str | int | None] = {
        "mail_domain": settings.mail_domain,
        "pop_before_smtp_window_minutes": settings.pop_before_smtp_window_minutes,
        "address": settings.address,
        "login": settings.login,
    }
    values |= _endpoint_values("pop", settings.pop)
    values |= _endpoint_values("imap", settings.imap)
    values |= _endpoint_values("submission", settings.submission)
    if settings.submission_tls is not None:
        values |= _endpoint_values("submission_tls", settings.submission_tls)
    values |= _endpoint_values(
        "submission_preferred", settings.submission_tls or settings.submission
    )
    return values


def value_resolve(*, path: str, values: Mapping[str, str | int | None]) -> str | int | None:
    try:
        return values[path]
    except KeyError:
        raise UnknownValuePath(path) from None


def requirement_met(*, requirement: Requirement | None, settings: MailSettings) -> bool:
    if requirement is None:
        return True
    if requirement is Requirement.SMTP_AUTH:
        return settings.smtp_auth
    if requirement is Requirement.SUBMISSION_TLS:
        return settings.submission_tls is not None
    return settings.pop_before_smtp


_PLACEHOLDER = re.compile(r"%\(([a-z_]+)\)s")


def text_placeholders(text: Text) -> list[str]:
    """The value paths a text names: `%(submission_host)s` names "submission.host"."""
    return [_placeholder_path(name) for name in _PLACEHOLDER.findall(str(text))]


def _placeholder_path(name: str) -> str:
    for prefix in ("submission_preferred", "submission_tls", "submission", "pop", "imap"):
        if name.startswith(prefix + "_") and name[len(prefix) + 1 :] in {"host", "port"}:
            return f"{prefix}.{name[len(prefix) + 1 :]}"
    return name


@dataclass(frozen=True)
class ResolvedField:
    label: str
    value: str
    placeholder: bool  # a stand-in ("your mail address") rather than a value to type
    literal: bool  # something to type (a host, a port), shown in monospace


@dataclass(frozen=True)
class ResolvedStep:
    anchor: str
    text: SafeString
    menu: tuple[str, ...]
    fields: tuple[ResolvedField, ...]
    note: SafeString | None


@dataclass(frozen=True)
class ResolvedSection:
    id: str
    kind: SectionKind
    title: str
    intro: SafeString | None
    steps: tuple[ResolvedStep, ...] = field(default=())


@dataclass(frozen=True)
class ResolvedGuide:
    guide: Guide
    sections: tuple[ResolvedSection, ...]
    warning: SafeString | None


def _shown(value: str | int | None, path: str) -> tuple[str, bool]:
    if value is None:
        return str(PLACEHOLDERS.get(path, "")), True
    return str(value), False


def text_resolve(*, text: Text, values: Mapping[str, str | int | None]) -> SafeString:
    """The translated text, escaped, with each named value filled in and marked up."""
    filled: dict[str, SafeString] = {}
    for name in _PLACEHOLDER.findall(str(text)):
        path = _placeholder_path(name)
        shown, placeholder = _shown(value_resolve(path=path, values=values), path)
        css = "value value-placeholder" if placeholder else "value"
        filled[name] = format_html('<strong class="{}">{}</strong>', css, shown)
    escaped = str(conditional_escape(str(text)))
    return mark_safe(escaped % filled if filled else escaped)  # noqa: S308 - parts escaped above


def field_resolve(*, item: Field, values: Mapping[str, str | int | None]) -> ResolvedField:
    if item.value is None:
        return ResolvedField(
            label=str(item.label), value=str(item.text), placeholder=False, literal=False
        )
    raw = value_resolve(path=item.value, values=values)
    if item.options is not None:
        return ResolvedField(
            label=str(item.label),
            value=str(item.options[str(raw)]),
            placeholder=False,
            literal=False,
        )
    shown, placeholder = _shown(raw, item.value)
    return ResolvedField(
        label=str(item.label), value=shown, placeholder=placeholder, literal=not placeholder
    )


def guide_resolve(*, guide: Guide, settings: MailSettings) -> ResolvedGuide:
    """The guide in the active language, filled in, without what the settings rule out."""
    values = guide_values(settings=settings)
    sections = []
    for section in guide.sections:
        if not requirement_met(requirement=section.requires, settings=settings):
            continue
        steps = tuple(
            ResolvedStep(
                anchor=f"step-{step.id}",
                text=text_resolve(text=step.text, values=values),
                menu=tuple(str(item) for item in step.menu),
                fields=tuple(field_resolve(item=item, values=values) for item in step.fields),
                note=text_resolve(text=step.note, values=values) if step.note else None,
            )
            for step in section.steps
            if requirement_met(requirement=step.requires, settings=settings)
        )
        sections.append(
            ResolvedSection(
                id=section.id,
                kind=section.kind,
                title=str(section.title),
                intro=text_resolve(text=section.intro, values=values) if section.intro else None,
                steps=steps,
            )
        )
    warning = text_resolve(text=guide.warning, values=values) if guide.warning else None
    return ResolvedGuide(guide=guide, sections=tuple(sections), warning=warning)
