import pytest

from accounts.models import Mailbox, Subscriber


@pytest.fixture
def second_mailbox(subscriber: Subscriber) -> Mailbox:
    """Taro's second mailbox, so he has a choice of two."""
    return Mailbox.objects.create(
        subscriber=subscriber, address="taro.shop@example.ne.jp", login="taro-shop"
    )
