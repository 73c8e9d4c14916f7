"""``field__any_of=subquery`` (sinergi.core.lookups, issue 18): the rows ``__in`` finds, written
``= ANY(ARRAY(subquery))`` on PostgreSQL so that the planner looks the ids up through the
index instead of a semi join (at national scale the follow-ups of one facility went from a
scan of every release to an index lookup); ``read_once`` (the subquery read once for every
statement built from it) and ``field__in_array=[ids]`` (one array, hashed once)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Case, Count, Value, When
from django.test.utils import CaptureQueriesContext

from sinergi.core.lookups import array_param, known_count, known_page, read_once, union_of_ids
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.reintegration.models import FollowUp, Release
from sinergi.reintegration.queries import follow_ups_for, releases_for
from tests.factories import FacilityFactory
from tests.inmates.factories import make_inmate
from tests.reintegration.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo_world):
    """People at Selong and elsewhere, released to the demo Bapas and to another one, each
    release with two follow-ups (one done)."""
    selong = Facility.objects.get(code="selong")
    elsewhere = Facility.objects.exclude(pk=selong.pk).exclude(kind="bapas").first()
    bapas = Facility.objects.get(code="bapas-mataram")
    other_bapas = FacilityFactory(kind="bapas", region=bapas.region)
    people = [make_inmate(facility=selong) for _ in range(3)]
    people += [make_inmate(facility=elsewhere) for _ in range(2)]
    for person, to in zip(people[1:], [bapas, other_bapas, bapas, other_bapas], strict=True):
        release = ReleaseFactory(inmate=person, bapas=to)
        FollowUp.objects.create(release=release, month=1, due_on=release.released_on)
        FollowUp.objects.create(
            release=release, month=3, due_on=release.released_on, done_on=release.released_on
        )


def test_any_of_finds_what_in_finds_on_a_field_and_a_foreign_key(world):
    selong = Facility.objects.filter(code="selong").order_by().values("pk")
    people = Inmate.objects.filter(facility__in=selong)
    assert people.exists()
    by_in = set(Inmate.objects.filter(pk__in=people.values("pk")).values_list("pk", flat=True))
    by_any = set(Inmate.objects.filter(pk__any_of=people.values("pk")).values_list("pk", flat=True))
    assert by_any == by_in
    union = (
        Inmate.objects.filter(facility__in=selong)
        .order_by()
        .values("pk")
        .union(Inmate.objects.filter(release__isnull=False).order_by().values("pk"))
    )
    assert set(Inmate.objects.filter(facility_id__any_of=selong).values_list("pk", flat=True)) == (
        by_in
    )
    assert set(Inmate.objects.filter(pk__any_of=union).values_list("pk", flat=True)) == set(
        Inmate.objects.filter(pk__in=union).values_list("pk", flat=True)
    )


def test_any_of_with_a_list_of_values_is_in(world):
    first = Inmate.objects.order_by("pk").first()
    assert list(Inmate.objects.filter(pk__any_of=[first.pk])) == [first]


def test_on_postgresql_the_subquery_becomes_an_array(world):
    sql = str(Inmate.objects.filter(pk__any_of=Inmate.objects.values("pk")).query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql
    else:
        assert " IN (SELECT" in sql


@pytest.mark.parametrize("username", ["petugas.selong", "pk.bapas", "kalapas.selong"])
def test_the_follow_ups_and_releases_reached_are_those_of_the_access_rule(world, user, username):
    """The rule itself (Bapas's releases, or the facility's people's) is unchanged."""
    from sinergi.core.roles import OFFICER_ROLES
    from sinergi.core.scoping import scope_of
    from sinergi.reintegration.queries import BAPAS_ROLES

    reader = user(username)
    scope = scope_of(reader)
    rule = Release.objects.filter(bapas_id__in=scope.facility_ids(*BAPAS_ROLES)) | (
        Release.objects.filter(inmate__facility_id__in=scope.facility_ids(*OFFICER_ROLES))
    )
    expected = set(FollowUp.objects.filter(release__in=rule).values_list("pk", flat=True))
    assert expected
    assert set(follow_ups_for(reader).values_list("pk", flat=True)) == expected
    assert releases_for(reader).filter(pk__in=rule).count() == rule.count()


# --- read_once and in_array -------------------------------------------------------------


def _selong_or_released():
    selong = Facility.objects.filter(code="selong").order_by().values("pk")
    return union_of_ids(
        Inmate.objects.filter(facility__in=selong), Inmate.objects.filter(release__isnull=False)
    )


def test_read_once_finds_what_the_subquery_finds_in_every_statement_built_from_it(world):
    expected = set(Inmate.objects.filter(pk__in=_selong_or_released()).values_list("pk", flat=True))
    assert len(expected) > 2
    once = read_once(_selong_or_released())
    people = Inmate.objects.filter(pk__any_of=once)
    with CaptureQueriesContext(connection) as ctx:
        assert set(people.values_list("pk", flat=True)) == expected
        assert people.count() == len(expected)
        assert people.filter(facility__code="selong").count() == 3
        inner = Inmate.objects.filter(pk__in=people.order_by().values("pk"))  # a copy, nested
        assert set(inner.values_list("pk", flat=True)) == expected
    unions = [q["sql"] for q in ctx.captured_queries if " UNION " in q["sql"].upper()]
    if connection.vendor == "postgresql":
        assert len(unions) == 1, "the ids are read by the first statement only"
    else:
        assert len(unions) == 4, "elsewhere each statement keeps the subquery"


def test_read_once_reads_nothing_until_a_statement_needs_it(world):
    once = read_once(_selong_or_released())
    with CaptureQueriesContext(connection) as ctx:
        people = Inmate.objects.filter(pk__any_of=once).order_by("name")
        assert list(people.none()) == []
    assert ctx.captured_queries == []


def test_in_array_finds_what_in_finds_also_in_a_condition(world):
    some = list(Inmate.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert set(Inmate.objects.filter(pk__in_array=some).values_list("pk", flat=True)) == set(some)
    assert not Inmate.objects.filter(pk__in_array=[]).exists()
    flagged = Inmate.objects.annotate(
        chosen=Case(When(pk__in_array=some, then=Value(1)), default=Value(0))
    )
    assert {p.pk for p in flagged if p.chosen} == set(some)
    none = Inmate.objects.annotate(
        chosen=Case(When(pk__in_array=[], then=Value(1)), default=Value(0))
    )
    assert not any(p.chosen for p in none)
    sql = str(Inmate.objects.filter(facility_id__in_array=[1, 2]).query)
    if connection.vendor == "postgresql":
        assert "IN (SELECT unnest(" in sql


# --- known_count ------------------------------------------------------------------------


def test_known_count_counts_the_ids_read_once_without_a_count_statement(world):
    """A list whose only condition is ``pk__any_of=read_once(ids)`` has as many rows as
    distinct ids: on PostgreSQL they are read (the one statement) and counted here, and the
    page's statement after is given them; elsewhere the database counts (None)."""
    expected = Inmate.objects.filter(pk__in=_selong_or_released()).count()
    people = Inmate.objects.filter(pk__any_of=read_once(_selong_or_released())).order_by("name")
    with CaptureQueriesContext(connection) as ctx:
        found = known_count(people.annotate(n=Value(1)).select_related("facility"))
        listed = list(people)
    if connection.vendor != "postgresql":
        assert found is None
        return
    assert found == expected == len(listed) > 2
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) == 2, statements  # the ids once, then the page
    assert statements[0].upper().startswith("SELECT ARRAY(")
    assert "COUNT(" not in " ".join(statements).upper()


def test_known_count_says_nothing_for_a_list_it_cannot_count_so(world):
    """Another condition, no rows, DISTINCT, a slice, a grouping or ids not read once: the
    database counts (None), with no statement run here."""
    once = read_once(_selong_or_released())
    people = Inmate.objects.filter(pk__any_of=once)
    with CaptureQueriesContext(connection) as ctx:
        for other in (
            people.filter(facility__code="selong"),
            people.exclude(name=""),
            people.none(),
            people.distinct(),
            people[:2],
            people.values("facility").annotate(n=Count("pk")),
            Inmate.objects.filter(pk__any_of=_selong_or_released()),
            Inmate.objects.filter(facility__in=Facility.objects.filter(code="selong")),
            Inmate.objects.all(),
            Release.objects.filter(inmate__any_of=once),
        ):
            assert known_count(other) is None, other.query
    assert ctx.captured_queries == []


# --- known_page -------------------------------------------------------------------------


def test_known_page_pages_a_list_from_the_ids_read_in_its_order(world):
    """``read_once(ids, in_order=True)``: the ids are read in the queryset's order, and a
    list of them sorted the same way with no other condition is paged from them, its
    rows read by id with the list's annotations and joins: every page holds what the
    database's sort gives, and no statement sorts the list again. Elsewhere (SQLite), and
    for a list sorted otherwise, the database pages (None)."""
    order = ("facility__name", "-name", "pk")
    everyone = Inmate.objects.order_by(*order)
    expected = list(everyone.values_list("pk", flat=True))
    assert len(expected) > 4
    once = read_once(everyone.values("pk"), in_order=True)
    people = Inmate.objects.filter(pk__any_of=once).annotate(n=Value(7))
    listed = people.select_related("facility").order_by(*order)
    with CaptureQueriesContext(connection) as ctx:
        pages = [known_page(listed, offset, 2) for offset in range(0, len(expected) + 2, 2)]
        other = known_page(people.order_by("name", "pk"), 0, 2)
        sql = [q["sql"] for q in ctx.captured_queries]
    assert other is None
    if connection.vendor != "postgresql":
        assert pages == [None] * len(pages) and sql == []
        return
    assert [p.pk for page in pages for p in page] == expected
    assert pages[-1] == []
    assert all(p.n == 7 and p.facility.name for page in pages for p in page)
    assert sql[0].upper().startswith("SELECT ARRAY(") and "ORDER BY" in sql[0].upper()
    assert len(sql) == 1 + len(expected) // 2 + (len(expected) % 2)  # the ids, then a page each
    assert not [s for s in sql[1:] if "ORDER BY" in s.upper()]


def test_known_page_says_nothing_for_a_list_it_cannot_page_so(world):
    """Ids read in no order, a list sorted otherwise, another condition, DISTINCT, a
    grouping or a slice: the database pages (None), with no statement run here."""
    order = ("name", "pk")
    in_order = read_once(Inmate.objects.order_by(*order).values("pk"), in_order=True)
    people = Inmate.objects.filter(pk__any_of=in_order)
    unordered = Inmate.objects.filter(pk__any_of=read_once(Inmate.objects.values("pk")))
    with CaptureQueriesContext(connection) as ctx:
        for other in (
            unordered.order_by(*order),
            people.order_by("-name", "pk"),
            people.order_by("name"),
            people,
            people.filter(facility__code="selong").order_by(*order),
            people.none().order_by(*order),
            people.distinct().order_by(*order),
            people.order_by(*order)[:2],
            people.values("facility").annotate(n=Count("pk")).order_by("facility"),
            Facility.objects.filter(pk__any_of=in_order).order_by(*order),
        ):
            assert known_page(other, 0, 2) is None, other.query
    assert ctx.captured_queries == []


def test_a_list_of_integers_is_one_array_text_parameter_anything_else_a_list():
    """psycopg adapts a list element by element; ids go as the array's text instead."""
    assert array_param([3, 1, 2]) == "{3,1,2}"
    assert array_param([]) == "{}"
    assert array_param(["pb", "cb"]) == ["pb", "cb"]
    assert array_param([True, 1]) == [True, 1]


@pytest.mark.django_db
def test_ids_given_as_array_text_find_the_same_rows(demo_world):
    """``in_array`` and ``any_of`` (read once) with integer ids, on either database."""
    ids = list(Facility.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert ids
    found = Facility.objects.filter(pk__in_array=ids).values_list("pk", flat=True)
    assert sorted(found) == ids
    flagged = Facility.objects.annotate(
        chosen=Case(When(pk__in_array=ids[:1], then=Value(1)), default=Value(0))
    ).filter(chosen=1)
    assert list(flagged.values_list("pk", flat=True)) == ids[:1]
    read = read_once(Facility.objects.filter(pk__in=ids).values("pk"))
    assert sorted(Facility.objects.filter(pk__any_of=read).values_list("pk", flat=True)) == ids
