"""Read a page's forms and links as a browser would, so tests follow the real pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    """One ``<form>``: where it posts, its hidden values, its questions and its buttons."""

    action: str
    method: str
    classes: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, label)

    def button(self, name: str, value: str) -> tuple[str, str, str]:
        """The button a person would press, by its submitted name and value."""
        for found in self.buttons:
            if found[:2] == (name, value):
                return found
        raise AssertionError(f"no button {name}={value} in the form posting to {self.action}: "
                             f"{self.buttons}")


@dataclass
class Page:
    """A rendered page: its language and direction, its links and forms."""

    html: str
    url: str = ""
    lang: str = ""
    dir: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    forms: list[Form] = field(default_factory=list)

    def form(self, action_pattern: str) -> Form:
        """The one form whose action matches the pattern (a regular expression)."""
        found = [f for f in self.forms if re.search(action_pattern, f.action)]
        assert len(found) == 1, f"{len(found)} forms post to {action_pattern}: " + ", ".join(
            f.action for f in self.forms)
        return found[0]

    def link(self, href_pattern: str) -> str:
        """The address of the first link whose address matches the pattern."""
        for href, _ in self.links:
            if re.search(href_pattern, href):
                return href
        raise AssertionError(f"no link to {href_pattern}: {[h for h, _ in self.links]}")


class _Reader(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.form: Form | None = None
        self.link: list[str] | None = None
        self.button: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.page.lang, self.page.dir = a.get("lang", ""), a.get("dir", "")
        elif tag == "a" and "href" in a:
            self.link = [a["href"], ""]
        elif tag == "form":
            self.form = Form(a.get("action", ""), a.get("method", "get").lower(),
                             a.get("class", ""))
            self.page.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input":
            kind, name = a.get("type", "text"), a.get("name", "")
            if kind == "hidden":
                self.form.hidden[name] = a.get("value", "")
            elif kind == "radio":
                self.form.radios.setdefault(name, []).append(a.get("value", ""))
            elif kind == "checkbox":
                self.form.checkboxes.setdefault(name, []).append(a.get("value", ""))
            elif kind == "submit":
                self.form.buttons.append((name, a.get("value", ""), a.get("value", "")))
            elif name:
                self.form.texts.append(name)
        elif tag == "textarea":
            self.form.texts.append(a.get("name", ""))
        elif tag == "select":
            self.form.selects[a.get("name", "")] = []
            self._select = a.get("name", "")
        elif tag == "option" and getattr(self, "_select", None):
            self.form.selects[self._select].append(a.get("value", ""))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.button = [a.get("name", ""), a.get("value", ""), ""]

    def handle_data(self, data):
        if self.link is not None:
            self.link[1] += data
        if self.button is not None:
            self.button[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self.link is not None:
            self.page.links.append((self.link[0], " ".join(self.link[1].split())))
            self.link = None
        elif tag == "button" and self.button is not None and self.form is not None:
            name, value, label = self.button
            self.form.buttons.append((name, value, " ".join(label.split())))
            self.button = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.form = None


def read_page(html: str) -> Page:
    """Parse a page's ``<html lang dir>``, links and forms."""
    page = Page(html)
    _Reader(page).feed(html)
    return page
