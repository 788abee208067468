"""The servers the tests start for themselves when the machine offers none (tests/servers.py)."""

import redis

from tests import servers


def test_a_private_redis_answers_and_is_gone_afterwards():
    with servers.private_redis() as url:
        client = redis.Redis.from_url(url)
        assert client.ping()
        client.set("k", "v")
        assert client.get("k") == b"v"
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pass
    else:
        raise AssertionError(f"the private server at {url} still answers after the test")


def test_a_server_slow_to_answer_is_waited_for(monkeypatch):
    """While it starts on a busy machine, a ping may time out rather than be refused."""
    pings = iter([redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, True])

    class Starting:
        def ping(self):
            answer = next(pings)
            if answer is True:
                return answer
            raise answer("starting")

    class Running:
        def poll(self):
            return None

    monkeypatch.setattr(redis.Redis, "from_url", lambda url, **kwargs: Starting())
    assert servers._answers("redis://127.0.0.1:1/0", Running(), timeout=5)


def test_the_configured_redis_is_used_as_is(settings, monkeypatch):
    """The settings' REDIS_URL, as the application reads it (not the environment again)."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings.REDIS_URL = "redis://example.invalid:6379/3"
    with servers.redis_broker() as url:
        assert url == "redis://example.invalid:6379/3"


def test_no_configured_redis_starts_a_private_one(settings, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://example.invalid:6379/3")
    settings.REDIS_URL = ""
    with servers.redis_broker() as url:
        assert url.startswith("redis://127.0.0.1:")
        assert redis.Redis.from_url(url).ping()
