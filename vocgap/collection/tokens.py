"""Private survey links: 256-bit tokens derived from a stored nonce and kept only as hashes.

A token is HMAC-SHA256(SECRET_KEY, nonce). The database holds the nonce and SHA-256 of the
token, never the token, so a copy of the database alone cannot open a survey; yet the consultant
can show or e-mail the same link again without storing it. Rotating SECRET_KEY keeps old links
working (lookup is by hash) but new links must then be reissued.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def derive_token(secret_key: str, nonce: str) -> str:
    digest = hmac.new(secret_key.encode(), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(participant, secret_key: str) -> str:
    """Give the participant a fresh private token (invalidating any earlier one) and return it."""
    participant.token_nonce = secrets.token_hex(16)
    token = derive_token(secret_key, participant.token_nonce)
    participant.token_hash = hash_token(token)
    participant.token_revoked_at = None
    return token


def current_token(participant, secret_key: str) -> str | None:
    """The participant's live token, or None if it was revoked or the secret key has changed."""
    if participant.token_revoked_at is not None:
        return None
    token = derive_token(secret_key, participant.token_nonce)
    return token if hmac.compare_digest(hash_token(token), participant.token_hash) else None


def survey_link(base_url: str, token: str) -> str:
    """The link respondents open; built from configuration only, never from a request's Host."""
    return f"{base_url.rstrip('/')}/s/{token}"
