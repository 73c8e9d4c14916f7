"""Job openings and people matched by skills (issue 16): a skill of the shared vocabulary
(``programs.Skill``) is attested by a valid certificate of a program that certifies it, or
by a competency unit that attests it and in which the person was found competent; an
opening asks for skills of the same vocabulary (and may still name program categories).
A welding certificate meets a welding job whatever the program's category.

Everything is computed in SQL in a fixed number of queries, whatever the rows: a filter
(``skill_match``), the openings of one person (``openings_for``), and the explanation of a
page of matches (``evidence``: which certificate or unit meets which skill)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from sinergi.programs.choices import CertificateStatus, CompetencyResult
from sinergi.programs.models import Certificate, CompetencyAssessment


def _certificates() -> Any:
    return Certificate.objects.filter(status=CertificateStatus.VALID)


def _competent() -> Any:
    return CompetencyAssessment.objects.filter(result=CompetencyResult.COMPETENT)


def skill_match(skill_ids: Collection[int]) -> Q:
    """A filter of inmates: those who hold one of ``skill_ids`` (by a valid certificate or
    a passed competency unit)."""
    if not skill_ids:
        return Q(pk__in=[])
    certified = _certificates().filter(
        enrollment__inmate=OuterRef("pk"), enrollment__program__skills__in=skill_ids
    )
    passed = _competent().filter(enrollment__inmate=OuterRef("pk"), unit__skills__in=skill_ids)
    return Q(Exists(certified)) | Q(Exists(passed))


def category_match(categories: Collection[str]) -> Q:
    """A filter of inmates: those with a valid certificate of a program in one of
    ``categories``."""
    certified = _certificates().filter(
        enrollment__inmate=OuterRef("pk"), enrollment__program__category__in=categories
    )
    return Q(Exists(certified))


def qualification(opening: Any) -> Q | None:
    """What ``opening`` asks of a person's training: one of its skills, or a certificate
    in one of its program categories; None when it asks nothing."""
    skill_ids = [s.pk for s in opening.skills.all()]
    wanted = []
    if skill_ids:
        wanted.append(skill_match(skill_ids))
    if opening.skill_categories:
        wanted.append(category_match(opening.skill_categories))
    if not wanted:
        return None
    found = wanted[0]
    for other in wanted[1:]:
        found |= other
    return found


def attested_skills(inmate: Any) -> set[int]:
    """The skills ``inmate`` holds (two queries)."""
    certified = _certificates().filter(enrollment__inmate=inmate)
    passed = _competent().filter(enrollment__inmate=inmate)
    return set(
        certified.filter(enrollment__program__skills__isnull=False).values_list(
            "enrollment__program__skills", flat=True
        )
    ) | set(passed.filter(unit__skills__isnull=False).values_list("unit__skills", flat=True))


def openings_for(inmate: Any, openings: Any) -> Any:
    """The openings among ``openings`` that match ``inmate``: one of its skills held, or a
    certificate in one of its categories; an opening that excludes the person's offence
    category is left out. Three queries to build, one to read."""
    skills = attested_skills(inmate)
    categories = set(
        _certificates()
        .filter(enrollment__inmate=inmate)
        .values_list("enrollment__program__category", flat=True)
    )
    wanted = Q(skills__in=skills) if skills else Q(pk__in=[])
    for category in categories:
        # the JSON list holds the category's code in quotes: no partial match
        wanted |= Q(skill_categories__icontains=f'"{category}"')
    matching = openings.filter(wanted)
    crime = getattr(getattr(inmate, "sentence", None), "crime_category", "")
    if crime:
        matching = matching.exclude(excluded_crime_categories__icontains=f'"{crime}"')
    return matching.distinct()


@dataclass(frozen=True)
class Evidence:
    """One reason of a match: a valid certificate (``code``) of ``program``, or the
    competency unit ``unit`` of ``program`` passed, meets ``skill``. Put in words in the
    reader's language when shown."""

    skill: str
    program: str
    code: str = ""
    unit: str = ""

    def __str__(self) -> str:
        if self.unit:
            source = _("competency unit %(unit)s (%(program)s)") % {
                "unit": self.unit,
                "program": self.program,
            }
        else:
            source = _("certificate %(code)s (%(program)s)") % {
                "code": self.code,
                "program": self.program,
            }
        return _("%(source)s meets “%(skill)s”") % {"source": source, "skill": self.skill}


def evidence(inmate_ids: Iterable[int], skill_ids: Collection[int]) -> dict[int, list[Evidence]]:
    """For each of ``inmate_ids``, which of their certificates and passed units meet which
    of ``skill_ids`` (two queries for the whole page)."""
    ids = list(inmate_ids)
    found: dict[int, list[Evidence]] = defaultdict(list)
    if not ids or not skill_ids:
        return found
    certificates = (
        _certificates()
        .filter(enrollment__inmate_id__in=ids, enrollment__program__skills__in=skill_ids)
        .values_list(
            "enrollment__inmate_id",
            "enrollment__program__skills__name",
            "enrollment__program__title",
            "code",
        )
        .order_by("enrollment__inmate_id", "enrollment__program__skills__name", "code")
    )
    for person, skill, program, code in certificates:
        found[person].append(Evidence(skill, program, code=code))
    units = (
        _competent()
        .filter(enrollment__inmate_id__in=ids, unit__skills__in=skill_ids)
        .values_list(
            "enrollment__inmate_id",
            "unit__skills__name",
            "unit__code",
            "unit__title",
            "enrollment__program__title",
        )
        .order_by("enrollment__inmate_id", "unit__skills__name", "unit__code")
    )
    for person, skill, code, title, program in units:
        found[person].append(Evidence(skill, program, unit=f"{code} {title}".strip()))
    return found


def explained(people: list[Any], skills: list[Any]) -> list[tuple[Any, list[Evidence]]]:
    """Each of ``people`` (matches of an opening asking for ``skills``) with what meets
    those skills (two queries for them all)."""
    found = evidence([p.pk for p in people], {s.pk for s in skills})
    return [(p, found.get(p.pk, [])) for p in people]
