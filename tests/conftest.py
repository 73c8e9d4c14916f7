"""Fixtures shared by the whole suite: the demo world and a client per demo role."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sinergi.accounts import demo as accounts_demo
from sinergi.accounts.models import User
from sinergi.orgs import demo as orgs_demo


def _runs_whole_system_checks() -> bool:
    """Checks marked `once` run on PostgreSQL (as in CI) or when asked for."""
    if os.environ.get("SINERGI_ALL_CHECKS", "") in {"1", "true", "yes"}:
        return True
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if _runs_whole_system_checks():
        return
    skip = pytest.mark.skip(
        reason="whole-system check: runs once per CI, on PostgreSQL"
        " (SINERGI_ALL_CHECKS=1 runs it here)"
    )
    for item in items:
        if "once" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    """Files the code under test writes (reports, evidence) never land in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo_world(db: Any) -> None:
    """The demo organisations and users (one per role), as `make run` loads them."""
    out = io.StringIO()
    orgs_demo.seed(out)
    accounts_demo.seed(out)


@pytest.fixture
def user(demo_world: None) -> Callable[[str], User]:
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(demo_world: None) -> Callable[[str], Client]:
    """A test client logged in as one of the demo users."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make
