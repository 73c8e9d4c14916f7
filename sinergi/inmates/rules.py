from collections.abc import Mapping
from typing import Any

import rules
from django.utils.translation import gettext as _

from sinergi.core.permissions import facility_role, is_admin
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES
from sinergi.core.scoping import scope_of
from sinergi.inmates import parsing


@rules.predicate
def region_viewer_of_facility(user: Any, obj: Any = None) -> bool:
    ids = scope_of(user).region_ids
    if obj is None:
        return bool(ids)
    return obj.facility.region_id in ids


STAFF = facility_role(*STAFF_ROLES)
OFFICERS = facility_role(*OFFICER_ROLES)

rules.add_perm("inmates.view_inmate", is_admin | STAFF | region_viewer_of_facility)
rules.add_perm("inmates.change_inmate", OFFICERS)
rules.add_perm("inmates.score_inmate", STAFF)
# The object is the facility the file is imported into.
rules.add_perm("inmates.import_inmates", facility_role(*OFFICER_ROLES, attr="pk"))


# --- the invariants of inmates' records ------------------------------------------------
# The actions enforce them (the page, the API, the admin and a script give the same
# answer); the forms call them only to show the message at the field. Each returns the
# problems by field, none when the values are fine.

Problems = dict[str, list[str]]

IMPORT_FIELD_KEYS = frozenset(spec.key for spec in parsing.FIELDS)


def import_mapping_problems(mapping: Mapping[str, Any], headers: list[str]) -> Problems:
    """A column mapping (field key -> column index): each required field has a column,
    each column is one of the file's and holds one field."""
    problems: Problems = {}
    used: set[int] = set()
    for key, value in mapping.items():
        if key not in IMPORT_FIELD_KEYS:
            problems.setdefault(key, []).append(_("This is not a field of the import."))
            continue
        try:
            index = int(value)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(headers):
            problems.setdefault(key, []).append(_("The file has no such column."))
        elif index in used:
            problems.setdefault(key, []).append(_("This column is already used for another field."))
        else:
            used.add(index)
    for key in parsing.missing_required(mapping):
        problems.setdefault(key, []).append(_("This field is required."))
    return problems
