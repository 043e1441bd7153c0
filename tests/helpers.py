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


def fill_everything(client, account, side_answers) -> None:
    """Answer every page of the survey for ``account`` until the review page."""
    number = 1
    while True:
        url = f"/survey/a/{account.id}/p/{number}"
        page = client.get(url)
        if page.status_code != 200:
            break
        html = page.get_data(as_text=True)
        answers = {}
        for name, value in side_answers(html).items():
            if f'name="{name}"' in html:
                answers[name] = value
        result = post_page(client, url, answers)
        assert result.status_code == 302, (number, result.get_data(as_text=True)[:3000])
        if result.headers["Location"].endswith("/review"):
            return
        number += 1


def customer_answers(html: str) -> dict:
    """The fourth option (or don't know) of every radio question on the page."""
    names = set(re.findall(r'name="([a-z_0-9]+)" type="radio"', html))
    out = {}
    for name in names:
        values = re.findall(rf'name="{name}" type="radio" value="([^"]+)"', html)
        out[name] = values[min(3, len(values) - 1)] if values[0] != "dk" else values[0]
    return out
