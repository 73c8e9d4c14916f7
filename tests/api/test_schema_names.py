"""Every API schema has a name of its own: the OpenAPI description keys its components by
class name, so two schemas called ``MeetingOut`` (cooperation's meetings and the sidang
TPP) described one endpoint with the other's fields."""

from __future__ import annotations

from collections import Counter

from ninja import Schema

from sinergi.api.api import api


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    assert api is not None  # every router (and so every schema) is imported
    ours = [c for c in _subclasses(Schema) if c.__module__.startswith("sinergi.")]
    names = Counter(c.__name__ for c in ours)
    doubles = {
        name: sorted(c.__module__ for c in ours if c.__name__ == name)
        for name, count in names.items()
        if count > 1
    }
    assert not doubles
