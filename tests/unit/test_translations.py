"""Japanese and English are complete, and the compiled catalogues match their sources."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_catalogue_compiled_from_current_source(language: str) -> None:
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    source = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()}
    assert compiled == source, "run `make messages` to recompile"


def test_japanese_catalogue_complete() -> None:
    po = polib.pofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []


def test_japanese_placeholders_kept() -> None:
    po = polib.pofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.po"))
    broken = [
        e.msgid
        for e in po.translated_entries()
        for msgstr in ([e.msgstr] if not e.msgid_plural else list(e.msgstr_plural.values()))
        # Japanese has one plural form; it carries the plural msgid's placeholders.
        if sorted(_placeholders(e.msgid_plural or e.msgid)) != sorted(_placeholders(msgstr))
    ]
    assert broken == []


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\([a-z_]+\)[sd]|%[sd]|\{\{ ?[a-z_]+ ?\}\}", text)
