"""One permission function, ``has_perm(user, "app.action", obj)``, backed by django-rules.

Each app declares its permissions in its ``rules.py`` with the predicates below; views,
actions and the API all ask :func:`has_perm`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from sinergi.core.scoping import scope_of


def has_perm(user: Any, perm: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(rules.has_perm(perm, user, obj))


def require_perm(by: Any, perm: str, obj: Any = None, *, message: StrOrPromise) -> None:
    """Refuse (``PermissionDenied`` with ``message``) unless ``by`` holds ``perm`` on ``obj``.

    Actions check their caller with this, through the same django-rules predicates the
    views and the API ask, never with a role set of their own.
    """
    if not has_perm(by, perm, obj):
        raise PermissionDenied(message)


@rules.predicate
def is_admin(user: Any) -> bool:
    return scope_of(user).is_admin


def has_role(*roles: str) -> Any:
    """The user holds one of ``roles`` somewhere."""

    @rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user: Any) -> bool:
        return scope_of(user).has_role(*roles)

    return predicate


def facility_role(*roles: str, attr: str = "facility_id") -> Any:
    """The user holds one of ``roles`` (any role when none given) in the object's facility.

    ``attr`` names the attribute of the object that holds the facility id; with no object
    the predicate asks whether the user holds the role in any facility.
    """

    @rules.predicate(name=f"facility_role({','.join(roles)})")
    def predicate(user: Any, obj: Any = None) -> bool:
        ids = scope_of(user).facility_ids(*roles)
        if obj is None:
            return bool(ids)
        return getattr(obj, attr) in ids

    return predicate


def region_viewer(attr: str = "region_id") -> Any:
    @rules.predicate(name="region_viewer")
    def predicate(user: Any, obj: Any = None) -> bool:
        ids = scope_of(user).region_ids
        if obj is None:
            return bool(ids)
        return getattr(obj, attr) in ids

    return predicate


def partner_role(*roles: str, attr: str = "partner_id") -> Any:
    @rules.predicate(name=f"partner_role({','.join(roles)})")
    def predicate(user: Any, obj: Any = None) -> bool:
        ids = scope_of(user).partner_ids(*roles)
        if obj is None:
            return bool(ids)
        return getattr(obj, attr) in ids

    return predicate
