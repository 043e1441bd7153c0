"""The demo's international accounts: a few people read their survey and e-mails in German,
French or Spanish (when the instrument offers it; otherwise their browser chooses)."""

from __future__ import annotations

from ..models import Participant

# Account position in the demo -> the language its customer contacts are set to.
CUSTOMER_LANGUAGES = {1: "de", 2: "fr", 3: "es"}
# Vendor staff by position: one member of the Madrid team answers the mirror survey in Spanish.
STAFF_LANGUAGES = {2: "es"}


def add_demo_languages(contacts: dict[int, list[Participant]],
                       staff: list[Participant]) -> None:
    """Set the languages of the demo's German, French and Spanish contacts and staff."""
    for index, language in CUSTOMER_LANGUAGES.items():
        for person in contacts.get(index, []):
            person.language = language
    for index, language in STAFF_LANGUAGES.items():
        if index < len(staff):
            staff[index].language = language
