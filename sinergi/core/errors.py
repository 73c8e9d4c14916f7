"""The exceptions the apps raise and the page, the API and the admin all answer alike."""

from __future__ import annotations


class Conflict(Exception):
    """A workflow transition, capacity or stale edit that cannot happen: HTTP 409."""

    def __init__(self, detail: str, code: str = "conflict") -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
