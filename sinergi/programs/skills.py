"""The shared vocabulary of skills (``Skill``) as callers name it: by id or by name."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from sinergi.programs.models import Skill

MAX_SKILLS = 50  # a program or an opening names a few; a bound for the API's lists
SKILLS_DESCRIPTION = (
    "skills of the shared vocabulary, each by its id or its name (any case); "
    "an unknown one is a 422 naming it"
)


def _key(name: str) -> str:
    return " ".join(name.split()).lower()


def skills_named(refs: Iterable[int | str], *, field: str = "skills") -> list[Skill]:
    """The skills of the vocabulary that ``refs`` name, each by its id or by its name (in
    any case), in the order named and each once; a ValidationError at ``field`` naming
    every one the vocabulary does not hold (new skills are added by an administrator)."""
    refs = list(refs)
    if len(refs) > MAX_SKILLS:
        raise ValidationError({field: [_("At most %(n)s skills.") % {"n": MAX_SKILLS}]})
    # An id beyond what a database key holds names no skill (and must not reach SQL).
    ids = {r for r in refs if isinstance(r, int) and 0 < r < 2**63}
    names = {_key(r) for r in refs if isinstance(r, str)}
    found = list(
        Skill.objects.annotate(key=Lower("name")).filter(Q(pk__in=ids) | Q(key__in=names))
        if refs
        else []
    )
    by_id = {s.pk: s for s in found}
    by_name = {_key(s.name): s for s in found}
    chosen: dict[int, Skill] = {}
    unknown: list[str] = []
    for ref in refs:
        skill = by_id.get(ref) if isinstance(ref, int) else by_name.get(_key(ref))
        if skill is None:
            unknown.append(str(ref))
        else:
            chosen.setdefault(skill.pk, skill)
    if unknown:
        raise ValidationError(
            {
                field: [
                    _("Not in the vocabulary of skills: %(names)s.") % {"names": ", ".join(unknown)}
                ]
            }
        )
    return list(chosen.values())
