"""The search box: one query finds a subscriber by any of their identifiers, in few queries."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Mailbox, Subscriber
from accounts.selectors import subscriber_search
from tests.conftest import make_line, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(subscriber: Subscriber, other_subscriber: Subscriber) -> dict[str, Subscriber]:
    shop = make_subscriber("shop01")
    shop.name, shop.email = "Sato Shoten", "Owner@Shop.Example"
    shop.save()
    make_line(shop, "shop01@fixed", group="eadsl-1", static_ip="198.51.100.8")
    line = shop.lines.get()
    line.ip_prefix_length = 29
    line.save()
    Mailbox.objects.create(subscriber=shop, address="info@example.ne.jp", login="shopinfo")
    sato = make_subscriber("sato")
    sato.name = "Sato Ichiro"
    sato.save()
    kanji = make_subscriber("k0001")
    kanji.name = "佐藤 一郎"
    kanji.save()
    return {
        "taro": subscriber,
        "hanako": other_subscriber,
        "shop": shop,
        "sato": sato,
        "kanji": kanji,
    }


def found(query: str) -> list[str]:
    return [s.account_id for s in subscriber_search(query=query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("taro", ["taro"]),
        ("TARO", ["taro"]),
        ("taro@eadsl", ["taro"]),
        ("TARO@EADSL", ["taro"]),
        ("taro@example.ne.jp", ["taro"]),
        ("hanako@example.com", ["hanako"]),
        ("owner@shop.example", ["shop01"]),
        ("info@example.ne.jp", ["shop01"]),
        ("shopinfo", ["shop01"]),
        ("198.51.100.8", ["shop01"]),
        ("198.51.100.13", ["shop01"]),  # inside the line's /29
        ("198.51.100.16", []),  # just outside it
        ("Sato", ["sato", "shop01"]),  # account ID first, then names by prefix
        ("sato s", ["shop01"]),
        ("佐藤", ["k0001"]),
        ("Sat_", []),  # LIKE's wildcards are only letters here
        ("Sa%", []),
        ("%", []),
        ("nobody@nowhere.example", []),
        ("", []),
    ],
)
def test_subscriber_search_finds(people: dict, query: str, expected: list[str]) -> None:
    assert found(query) == expected


def test_subscriber_search_limits_name_matches(announcement: None) -> None:
    Subscriber.objects.bulk_create(
        Subscriber(account_id=f"n{i:04d}", name=f"Nakamura {i:04d}", email=f"n{i}@x.example")
        for i in range(30)
    )
    assert found("nakamura") == [f"n{i:04d}" for i in range(20)]


def test_subscriber_search_queries(people: dict, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):  # account ID, line ID, login, name prefix with the rows
        subscriber_search(query="sato")
    with django_assert_num_queries(1):  # mailbox, line ID, e-mail with the rows
        subscriber_search(query="taro@example.ne.jp")
    with django_assert_num_queries(1):  # a name prefix
        subscriber_search(query="sato s")
    with django_assert_num_queries(2):  # line address, rows
        subscriber_search(query="198.51.100.8")
    with django_assert_num_queries(3):  # line address, containing networks, rows
        subscriber_search(query="198.51.100.13")


def test_search_page_lists_several_matches(agent_client: Client, people: dict) -> None:
    response = agent_client.get(reverse("console:search"), {"q": "Sato"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(reverse("console:subscriber", args=["sato"])) < body.index(
        reverse("console:subscriber", args=["shop01"])
    )
    assert "shop01@fixed (198.51.100.8/29)" in body


def test_subscriber_search_lists_a_subscriber_found_twice_once(people: dict) -> None:
    Mailbox.objects.create(subscriber=people["sato"], address="ichiro@example.ne.jp", login="Sato")
    assert found("sato") == ["sato", "shop01"]


def test_search_page_rows(agent_client: Client, people: dict) -> None:
    Mailbox.objects.create(subscriber=people["shop"], address="a@example.ne.jp", login="shopa")
    make_line(people["shop"], "shop01-2@eadsl")
    people["sato"].name = "Sato <b>Ichiro</b>"
    people["sato"].save()
    body = agent_client.get(reverse("console:search"), {"q": "Sato"}).content.decode()
    shop = reverse("console:subscriber", args=["shop01"])
    assert (
        f'<th scope="row"><a href="{shop}">shop01</a></th>\n'
        "        <td>Sato Shoten</td>\n"
        "        <td>Owner@Shop.Example</td>\n"
        "        <td>shop01-2@eadsl, shop01@fixed (198.51.100.8/29)</td>\n"
        "        <td>a@example.ne.jp, info@example.ne.jp</td>"
    ) in body
    assert "<td>Sato &lt;b&gt;Ichiro&lt;/b&gt;</td>" in body


def test_search_page_goes_straight_to_a_single_match(agent_client: Client, people: dict) -> None:
    response = agent_client.get(reverse("console:search"), {"q": "taro@eadsl"})
    assert response["Location"] == reverse("console:subscriber", args=["taro"])


def test_search_page_says_when_nothing_matches(agent_client: Client, people: dict) -> None:
    response = agent_client.get(
        reverse("console:search"), {"q": "zzz-nobody"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "No subscriber matches" in response.content.decode()


def test_search_page_queries_stay_flat(
    agent_client: Client, people: dict, django_assert_num_queries
) -> None:
    agent_client.get(reverse("console:home"))  # warm the session
    # user, OTP device, roles with permissions, search, lines with mailboxes (the session
    # is read from the cache)
    with django_assert_num_queries(5):
        agent_client.get(reverse("console:search"), {"q": "Sato"})
    for i in range(5):
        make_line(people["shop"], f"shop01-{i}@eadsl")
    with django_assert_num_queries(5):
        agent_client.get(reverse("console:search"), {"q": "Sato"})


def test_home_focuses_the_search_box(agent_client: Client, announcement: None) -> None:
    body = agent_client.get(reverse("console:home")).content.decode()
    assert 'type="search" name="q"' in body
    assert "autofocus" in body
