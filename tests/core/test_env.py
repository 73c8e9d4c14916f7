import pytest

from sinergi.core.env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_optional_count,
    env_positive_number,
)


def test_env_bool_reads_common_spellings(monkeypatch):
    for raw, expected in [("1", True), ("TRUE", True), ("yes", True), ("off", False), ("0", False)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert env_bool("X_FLAG") is expected


def test_env_bool_refuses_nonsense_with_the_variable_name(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int_refuses_non_numbers(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ConfigError, match="X_NUM"):
        env_int("X_NUM", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_list("X_LIST") == ["a.example", "b.example"]
    monkeypatch.delenv("X_LIST")
    assert env_list("X_LIST", ["d"]) == ["d"]


def test_the_cache_is_this_processes_unless_a_redis_url_is_given(monkeypatch):
    from sinergi.core.env import env_cache

    monkeypatch.delenv("X_CACHE", raising=False)
    assert env_cache("X_CACHE")["BACKEND"].endswith("LocMemCache")
    monkeypatch.setenv("X_CACHE", "redis://127.0.0.1:6379/1")
    redis = env_cache("X_CACHE")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    monkeypatch.setenv("X_CACHE", "memcached://127.0.0.1:11211")
    with pytest.raises(ConfigError, match="X_CACHE"):
        env_cache("X_CACHE")


def test_a_redis_cache_is_shared_and_its_add_is_a_lock(monkeypatch):
    """The shared cache's ``add`` is what makes one request build a public page or the
    country's figures while the others wait: it must hold across processes (Redis)."""
    import redis as redis_client
    from django.core.cache.backends.redis import RedisCache

    from sinergi.core.env import env_cache

    monkeypatch.setenv("X_CACHE", "redis://127.0.0.1:6379/15")
    config = env_cache("X_CACHE")
    try:
        redis_client.Redis.from_url(str(config["LOCATION"])).ping()
    except redis_client.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    one = RedisCache(str(config["LOCATION"]), {"KEY_PREFIX": "sinergi-test"})
    other = RedisCache(str(config["LOCATION"]), {"KEY_PREFIX": "sinergi-test"})
    one.delete("lock")
    assert one.add("lock", 1, 5) is True
    assert other.add("lock", 1, 5) is False  # another process's client sees the lock
    one.set("page", {"rows": [1, 2]}, 5)
    assert other.get("page") == {"rows": [1, 2]}
    one.delete_many(["lock", "page"])


@pytest.mark.parametrize("raw", ["0", "-1", "fast", "inf", "nan"])
def test_env_positive_number_refuses_what_is_not_above_zero(monkeypatch, raw):
    monkeypatch.setenv("SINERGI_TEST_COST", raw)
    with pytest.raises(ConfigError, match="SINERGI_TEST_COST must be a number above 0"):
        env_positive_number("SINERGI_TEST_COST", "1.1")


def test_env_positive_number_keeps_the_number_as_written_or_empty(monkeypatch):
    assert env_positive_number("SINERGI_TEST_COST", "1.1") == "1.1"
    monkeypatch.setenv("SINERGI_TEST_COST", " 2 ")
    assert env_positive_number("SINERGI_TEST_COST", "1.1") == "2"
    monkeypatch.setenv("SINERGI_TEST_COST", "")
    assert env_positive_number("SINERGI_TEST_COST", "1.1") == ""


@pytest.mark.parametrize("raw", ["-1", "1.5", "two", "inf"])
def test_env_optional_count_refuses_what_is_not_a_whole_number(monkeypatch, raw):
    monkeypatch.setenv("SINERGI_TEST_WORKERS", raw)
    with pytest.raises(ConfigError, match="SINERGI_TEST_WORKERS must be a whole number"):
        env_optional_count("SINERGI_TEST_WORKERS", "")


def test_env_optional_count_keeps_the_number_as_written_or_empty(monkeypatch):
    assert env_optional_count("SINERGI_TEST_WORKERS", "") == ""
    assert env_optional_count("SINERGI_TEST_WORKERS", "0") == "0"
    monkeypatch.setenv("SINERGI_TEST_WORKERS", " 2 ")
    assert env_optional_count("SINERGI_TEST_WORKERS", "0") == "2"
    monkeypatch.setenv("SINERGI_TEST_WORKERS", "")
    assert env_optional_count("SINERGI_TEST_WORKERS", "0") == ""
