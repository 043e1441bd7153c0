"""Remove names, e-mail addresses and phone numbers from free text, keeping the rest readable."""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# An optional "+", then digits with spaces, dots, dashes or brackets between them; counted as a
# phone number when it starts with "+" or holds nine digits or more (so years and ranges stay).
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().\-/]{5,}\d(?!\w)")
NAME_MARK, EMAIL_MARK, PHONE_MARK = "[name]", "[e-mail]", "[phone]"


def _is_phone(match: re.Match) -> bool:
    text = match.group(0)
    return text.startswith("+") or sum(c.isdigit() for c in text) >= 9


def name_patterns(names: Iterable[str]) -> list[re.Pattern]:
    """Whole names (any case), then each capitalised part of three letters or more."""
    full, parts = set(), set()
    for name in names:
        name = " ".join((name or "").split())
        if not name:
            continue
        full.add(name)
        parts.update(p for p in re.split(r"[\s,]+", name) if len(p) >= 3 and p[0].isupper())
    patterns = [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE)
                for n in sorted(full, key=len, reverse=True)]
    patterns += [re.compile(rf"(?<!\w){re.escape(p)}(?!\w)")
                 for p in sorted(parts, key=len, reverse=True)]
    return patterns


def redact(text: str, names: list[re.Pattern], emails: Iterable[str] = ()) -> str:
    """The text with known e-mails, any e-mail, phone numbers and the given names replaced."""
    for address in sorted({e for e in emails if e}, key=len, reverse=True):
        text = re.sub(re.escape(address), EMAIL_MARK, text, flags=re.IGNORECASE)
    text = EMAIL.sub(EMAIL_MARK, text)
    text = PHONE.sub(lambda m: PHONE_MARK if _is_phone(m) else m.group(0), text)
    for pattern in names:
        text = pattern.sub(NAME_MARK, text)
    return text
