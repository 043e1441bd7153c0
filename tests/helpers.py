"""Helpers for driving the survey with Flask's test client."""

from __future__ import annotations

import re

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def open_survey(client, token: str) -> str:
    """Follow the private link; returns the page the respondent lands on."""
    response = client.get(f"/s/{token}")
    assert response.status_code == 302, response.status_code
    assert token not in response.headers["Location"]
    return response.headers["Location"]


def post_page(client, url: str, answers: dict, action: str = "next", csrf: str | None = None):
    if csrf is None:
        csrf = csrf_from(client.get(url).get_data(as_text=True))
    data = {"csrf_token": csrf, "action": action, **answers}
    return client.post(url, data=data)


def checked(html: str, name: str) -> str | None:
    """The value of the checked radio button with this name, if any."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None
