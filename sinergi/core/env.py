"""Typed readers for environment variables (in the manner of healthchecks' ``envbool``).

Each helper fails with a message that names the variable and what it expected, so a
mistyped production setting stops the process at start-up instead of misbehaving later.
"""

from __future__ import annotations

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """A variable of the environment has a value the application cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_positive_number(name: str, default: str) -> str:
    """A number above zero, kept as written (``1.1``); empty (set to nothing) is kept as
    empty: the caller's "not set"."""
    raw = os.environ.get(name, default).strip()
    if raw == "":
        return ""
    try:
        number = float(raw)
    except ValueError:
        number = -1.0
    if not number > 0 or number == float("inf"):
        raise ConfigError(f"{name} must be a number above 0 (such as 1.1) or empty, not {raw!r}")
    return raw


def env_optional_count(name: str, default: str) -> str:
    """A whole number of 0 or more, kept as written (``0``); empty (set to nothing) is kept
    as empty: the caller's "not set"."""
    raw = os.environ.get(name, default).strip()
    if raw == "":
        return ""
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number of 0 or more, or empty, not {raw!r}")
    return raw


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_years(name: str, default: dict[str, int]) -> dict[str, int]:
    """``kind=years`` pairs separated by commas (``identity=10,programs=5``) over
    ``default``; an unknown kind or a number that is not a whole number of years fails."""
    values = dict(default)
    for item in env_list(name):
        kind, sep, years = item.partition("=")
        kind = kind.strip()
        if not sep or kind not in default:
            raise ConfigError(f"{name}: {item!r} is not one of {sorted(default)} = years")
        try:
            values[kind] = int(years)
        except ValueError:
            raise ConfigError(f"{name}: {item!r} needs a whole number of years") from None
        if values[kind] < 1:
            raise ConfigError(f"{name}: {item!r} must keep records at least one year")
    return values


def env_cache(name: str) -> dict[str, object]:
    """The ``default`` cache from a URL: unset or empty, this process's memory (one
    process: ``make run``, the tests); ``redis://host:port/db`` (or ``rediss://``) a
    Redis server every process shares: the public pages, the figures kept a few minutes,
    the locks that make one request build them, and the sign-in rate limits."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if raw.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": raw,
            "KEY_PREFIX": "sinergi",
        }
    raise ConfigError(f"{name} must be a redis:// (or rediss://, unix://) URL, not {raw!r}")
