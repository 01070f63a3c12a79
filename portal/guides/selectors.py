"""Reads for the guide pages: the reader's own mailboxes, and which one a guide is filled with."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist

from accounts.models import Mailbox
from blocking.models import SubmissionAccessState


@dataclass(frozen=True)
class MailboxChoice:
    mailboxes: tuple[Mailbox, ...]  # the reader's own, empty when anonymous
    chosen: Mailbox | None
    refused: bool  # a ?mailbox= was asked for that is not one of the reader's

    @property
    def suspended(self) -> bool:
        """Sending is stopped for the chosen mailbox (its access came with it: no query)."""
        if self.chosen is None:
            return False
        try:
            return self.chosen.submission_access.state == SubmissionAccessState.SUSPENDED
        except ObjectDoesNotExist:
            return False


def mailbox_choose(
    *, user: AbstractBaseUser | AnonymousUser, requested: str | None
) -> MailboxChoice:
    """The reader's mailbox named by `requested`, else their first (oldest). One query.

    An address that is not the reader's is refused the same way whether or not it
    exists, so the answer says nothing about other customers' mailboxes.
    """
    if not user.is_authenticated:
        return MailboxChoice(mailboxes=(), chosen=None, refused=False)
    mailboxes = tuple(
        Mailbox.objects.filter(subscriber__user_id=user.pk)
        .select_related("submission_access")
        .order_by("pk")
    )
    wanted = (requested or "").strip().lower()
    if wanted:
        for mailbox in mailboxes:
            if mailbox.address.lower() == wanted:
                return MailboxChoice(mailboxes=mailboxes, chosen=mailbox, refused=False)
    return MailboxChoice(
        mailboxes=mailboxes,
        chosen=mailboxes[0] if mailboxes else None,
        refused=bool(wanted),
    )
