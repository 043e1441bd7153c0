"""Rate limits behind the HTTPS proxy: per real client, failures only, shared by every worker."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from vocgap import create_app
from vocgap.extensions import db
from vocgap.models import RateCounter

from .conftest import FreshContextClient
from .factories import gen_account, gen_customer, gen_study, gen_user
from .helpers import csrf_from

PASSWORD = "correct horse battery"
MISS = "B" * 43


def proxied(address: str) -> dict:
    return {"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}


@pytest.fixture
def people(app, instrument):
    study = gen_study(instrument)
    person, token = gen_customer(study, gen_account(study, "Globex"))
    gen_user(study=study)
    return {"study": study, "token": token}


@pytest.fixture
def behind_proxy(app_config, app):
    """A second app (another gunicorn worker) on the same database, behind one proxy."""
    other = create_app({**app_config, "TRUSTED_PROXIES": 1})
    other.test_client_class = FreshContextClient
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_valid_link_is_never_refused_because_of_misses(client, people):
    """After a burst of wrong links from the same address, does a real link still open?"""
    codes = [client.get(f"/s/{MISS}").status_code for _ in range(12)]
    assert codes == [404] * 10 + [429, 429]
    refused = client.get(f"/s/{MISS}")
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.get(f"/s/{people['token']}").status_code == 302


def test_misses_are_counted_per_client_behind_the_proxy(behind_proxy, people):
    """Respondents all arrive from the proxy's address: one client's misses block only it."""
    client = behind_proxy.test_client()
    for _ in range(10):
        assert client.get(f"/s/{MISS}", headers=proxied("203.0.113.7")).status_code == 404
    assert client.get(f"/s/{MISS}", headers=proxied("203.0.113.7")).status_code == 429
    assert client.get(f"/s/{MISS}", headers=proxied("198.51.100.2")).status_code == 404
    assert client.get(f"/s/{people['token']}",
                      headers=proxied("203.0.113.7")).status_code == 302


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(client, people):
    """Without VOCGAP_TRUSTED_PROXIES a client cannot pick a fresh address per request."""
    codes = [client.get(f"/s/{MISS}", headers=proxied(f"192.0.2.{i}")).status_code
             for i in range(11)]
    assert codes == [404] * 10 + [429]


def test_counters_are_shared_by_every_worker(app, behind_proxy, people):
    """Two app processes on one database count the same misses (not workers × the limit)."""
    first, second = app.test_client(), behind_proxy.test_client()
    for _ in range(5):
        assert first.get(f"/s/{MISS}").status_code == 404
        assert second.get(f"/s/{MISS}", headers=proxied("127.0.0.1")).status_code == 404
    assert first.get(f"/s/{MISS}").status_code == 429
    assert second.get(f"/s/{MISS}", headers=proxied("127.0.0.1")).status_code == 429
    keys = db.session.scalars(sa.select(RateCounter.key)).all()
    assert keys and all("127.0.0.1" not in k for k in keys)  # addresses are stored hashed


def test_counters_go_to_the_queues_redis_when_configured(app, people):
    url = os.environ.get("VOCGAP_TEST_QUEUE_URL", "")
    if not url:
        pytest.skip("no VOCGAP_TEST_QUEUE_URL: start redis-server to run this")
    from redis import Redis

    redis = Redis.from_url(url)
    for key in redis.scan_iter("link:*"):
        redis.delete(key)
    app.config["QUEUE_URL"] = url
    client = app.test_client()
    codes = [client.get(f"/s/{MISS}").status_code for _ in range(11)]
    assert codes == [404] * 10 + [429]
    assert list(redis.scan_iter("link:*"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RateCounter)) == 0
    assert client.get(f"/s/{people['token']}").status_code == 302


def login(client, email="consultant@test.example", password=PASSWORD, headers=None):
    page = client.get("/consultant/login", headers=headers).get_data(as_text=True)
    return client.post("/consultant/login", headers=headers, data={
        "csrf_token": csrf_from(page), "email": email, "password": password})


def logout(client):
    page = client.get("/consultant/").get_data(as_text=True)
    return client.post("/consultant/logout", data={"csrf_token": csrf_from(page)})


def test_successful_sign_ins_are_never_counted(client, people):
    """Ten consultants signing in behind one proxy within a minute are all let in."""
    for _ in range(15):
        assert login(client).status_code == 302
        assert logout(client).status_code == 302


def test_failed_sign_ins_are_limited_per_account_from_any_address(behind_proxy, people):
    client = behind_proxy.test_client()
    codes = [login(client, password="wrong", headers=proxied(f"192.0.2.{i}")).status_code
             for i in range(11)]
    assert codes == [422] * 10 + [429]
    # The right password is refused too while the account is locked (no guessing through) …
    assert login(client, headers=proxied("192.0.2.99")).status_code == 429
    # … but other accounts, from the same addresses, are not affected.
    gen_user("colleague@test.example", study=people["study"])
    assert login(client, email="colleague@test.example",
                 headers=proxied("192.0.2.1")).status_code == 302


def test_failed_sign_ins_are_limited_per_address(behind_proxy, people):
    client = behind_proxy.test_client()
    codes = [login(client, email=f"guess{i}@test.example", password="wrong",
                   headers=proxied("203.0.113.9")).status_code for i in range(11)]
    assert codes == [422] * 10 + [429]
    other = behind_proxy.test_client()
    assert login(other, headers=proxied("203.0.113.10")).status_code == 302


def test_trusted_proxies_must_be_a_count(app_config):
    with pytest.raises(ValueError, match="VOCGAP_TRUSTED_PROXIES"):
        create_app({**app_config, "TRUSTED_PROXIES": "all"})
    assert create_app({**app_config, "TRUSTED_PROXIES": "2"}).config["TRUSTED_PROXIES"] == 2


def test_an_unreachable_counter_store_locks_nobody_out(app, client, people, caplog):
    """Limits are a second line of defence: if Redis is down, links and sign-ins still work."""
    app.config["RATE_LIMIT_URL"] = "redis://127.0.0.1:9/0"  # the discard port: refused
    assert [client.get(f"/s/{MISS}").status_code for _ in range(12)] == [404] * 12
    assert client.get(f"/s/{people['token']}").status_code == 302
    assert login(client, password="wrong").status_code == 422
    assert login(client).status_code == 302
    assert "rate-limit counters unavailable" in caplog.text
