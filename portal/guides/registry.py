"""Every guide by slug, in the order the list page shows them (common programs first)."""

from portal.guides.content import (
    apple_mail,
    becky,
    generic,
    gmail_android,
    iphone,
    outlook,
    outlook_classic,
    thunderbird,
    windows_live_mail,
)
from portal.guides.model import Guide

GUIDES: dict[str, Guide] = {
    guide.slug: guide
    for guide in (
        outlook.GUIDE,
        outlook_classic.GUIDE,
        thunderbird.GUIDE,
        apple_mail.GUIDE,
        iphone.GUIDE,
        gmail_android.GUIDE,
        becky.GUIDE,
        windows_live_mail.GUIDE,
        generic.GUIDE,
    )
}


def guide_get(*, slug: str) -> Guide | None:
    return GUIDES.get(slug)
