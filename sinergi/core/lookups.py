"""Database lookups the ORM lacks.

``field__any_of=subquery``: the rows whose ``field`` is one of the values ``subquery``
selects. It means what ``field__in=subquery`` means; on PostgreSQL it is written
``field = ANY(ARRAY(subquery))``, so the subquery is run once, first, and its values are
looked up through the field's index. Written ``field IN (subquery)``, PostgreSQL plans a
semi join and, at national scale, chose plans that read a whole table for a few thousand
ids (the follow-ups of one Bapas: a sequential scan of 2.2 million rows), or a nested
loop over the subquery for every row of the table when the query also has an
``ORDER BY … LIMIT`` (over ten minutes). An array's length is unknown to the planner,
which then takes the index. Elsewhere (SQLite) it is ``IN`` as usual.

``read_once(queryset)``: the same ids, read once per request. A list whose people are
"those of a UNION" asks for them in its count, its page and its filter options: three
statements that each ran the UNION again. With ``field__any_of=read_once(ids)``, on
PostgreSQL, the first statement that needs them reads the ids (one query) and every
statement built from that queryset (its count, its page, a copy filtered further) is
given them as one array parameter, planned as the subquery would be (its length unknown
to the planner). Nothing is read before a statement needs them (a page that lists nobody
runs no UNION). Elsewhere (SQLite) it is the subquery as usual.

Registered on every field when the core app is ready (``CoreConfig.ready``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Field, IntegerField, OuterRef, Subquery, Value, Window
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.db.models.sql.where import WhereNode


class _AsArray:
    """``= ANY(ARRAY(subquery))`` on PostgreSQL when the right side is a subquery."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        is_subquery = hasattr(self.rhs, "get_compiler")  # type: ignore[attr-defined]
        if connection.vendor != "postgresql" or not is_subquery:
            return super().as_sql(compiler, connection)  # type: ignore[misc]
        lhs, lhs_params = self.process_lhs(compiler, connection)  # type: ignore[attr-defined]
        rhs, rhs_params = self.process_rhs(compiler, connection)  # type: ignore[attr-defined]
        # ``rhs`` is the compiled subquery, in its parentheses: ARRAY(SELECT …).
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        read = getattr(self.rhs, READ_ONCE, None)  # type: ignore[attr-defined]
        if read is None:
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        if "ids" not in read:
            if compiler.query.is_empty():  # ``.none()``: nothing to read the ids for
                raise EmptyResultSet
            _read_ids(connection, read, rhs, rhs_params)
        # Unnested into ARRAY(…) again, so that PostgreSQL plans as for the subquery: given
        # a literal array of 8,000 ids it knew their number and hashed the page's EXISTS
        # subqueries over every row of their tables (290 ms, against 75 ms a row at a time
        # for the page's rows).
        kind = self.lhs.output_field.db_type(connection)  # type: ignore[attr-defined]
        ids = array_param(read["ids"])
        return f"{lhs} = ANY(ARRAY(SELECT unnest(%s::{kind}[])))", [*lhs_params, ids]


def array_param(values: list[Any]) -> Any:
    """``values`` as the parameter of ``%s::type[]``: a list of integers as the array's
    text (``{1,2,3}``, one string), any other list as it is. psycopg adapts a list element
    by element (a regular expression on each: some 16,000 a page of the rights pipeline,
    whose statements carry the ids of thousands of people, several times over)."""
    if all(type(value) is int for value in values):
        return "{" + ",".join(map(str, values)) + "}"
    return values


def _read_ids(connection: Any, read: dict[str, Any], subquery: str, params: Any) -> None:
    """Read the ids ``subquery`` (in its parentheses) selects into ``read``, once: in the
    order of the queryset given to ``read_once(…, in_order=True)`` (a subquery of a lookup
    is compiled without its ORDER BY), in any order otherwise."""
    ordered = read.get("ordered")
    if ordered is not None:
        sql, params = ordered.query.get_compiler(connection=connection).as_sql()
        subquery = f"({sql})"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ARRAY{subquery}", params)
        read["ids"] = cursor.fetchone()[0]


class AnyOf(_AsArray, In):
    """``field__any_of=<queryset>`` (see the module)."""


class RelatedAnyOf(_AsArray, RelatedIn):
    """``foreign_key__any_of=<queryset>`` (see the module)."""


def union_of_ids(*querysets: Any) -> Any:
    """The ids of the rows of any of ``querysets``, as one subquery (a UNION), to filter
    with ``__any_of``.

    An access rule or a definition "reached this way OR that way" written as an OR of
    subqueries (or across two joins) makes PostgreSQL scan the whole table at national
    scale; a UNION of the indexed lookups reads only the rows each way reaches, once."""
    first, *others = (qs.order_by().values("pk") for qs in querysets)
    return first.union(*others)


# The attribute of a query whose ids are read once (see the module): a dict, which every
# clone of the query shares (``Query.clone`` copies attributes by reference).
READ_ONCE = "sinergi_read_once"


def read_once(queryset: Any, *, in_order: bool = False) -> Any:
    """``queryset`` (the ids of rows, e.g. :func:`union_of_ids`) for ``__any_of``, read at
    most once on PostgreSQL however many statements are built from it (see the module).

    ``in_order``: the ids are read in ``queryset``'s order (its ``order_by``, which must
    end in a unique column to be a total order), so that a list of those rows sorted the
    same way is paged from them (:func:`known_page`) rather than sorted again."""
    marked = queryset.all()
    read: dict[str, Any] = {}
    if in_order:
        read["ordered"] = marked.all()
        read["order"] = (queryset.model, tuple(queryset.query.order_by))
    setattr(marked.query, READ_ONCE, read)
    return marked


def first_rows_and_count(queryset: Any, size: int) -> tuple[list[Any], int]:
    """The first ``size`` rows of ``queryset`` (in its order) and how many it finds in all,
    in one statement: each row carries the count (a window over every row found). A home
    card listing the first few and "N in all" asked for the count only when the list was
    full, so the page's statements depended on the data (one more for a Kanwil with eight
    signed reports)."""
    rows = list(queryset.annotate(_found=Window(Count("pk")))[:size])
    return rows, (rows[0]._found if rows else 0)


def known_count(queryset: Any) -> int | None:
    """How many rows ``queryset`` finds, without a statement that counts them, when its
    only condition is ``pk__any_of=read_once(ids)`` (a list of those people, no filter
    chosen): on PostgreSQL the ids are read here (once: the statements after are given
    them) and the distinct ones counted. None otherwise (a count is needed): another
    condition, a DISTINCT, a slice, a UNION, a grouping, or SQLite (where the ids stay a
    subquery).
    The release worklist of a Kanwil counted its 11,000 ids again in the database (11 ms)."""
    ids = _ids_alone(queryset)
    return None if ids is None else len(set(ids))


def known_page(queryset: Any, offset: int, limit: int) -> list[Any] | None:
    """The rows ``offset`` to ``offset + limit`` of ``queryset``, without a statement that
    sorts the list, when its only condition is ``pk__any_of=read_once(ids,
    in_order=True)`` (no filter chosen) and it is sorted as the ids were read: on
    PostgreSQL the page's ids are taken from those read, in order, and their rows read by
    primary key (with the queryset's joins, annotations and prefetches), in that order.
    None otherwise (the database sorts the list), as for :func:`known_count`.
    The release worklist of a Kanwil fetched its 8,400 people and their sentences again to
    sort them by release date for each page (30 ms); the ids were read in that order."""
    ids = _ids_alone(queryset, in_order=True)
    if ids is None:
        return None
    wanted = list(dict.fromkeys(ids))[offset : offset + limit]
    if not wanted:
        return []
    page = queryset.all()
    page.query.where = WhereNode()  # the one condition, the ids, is the page's ids now
    position = {pk: index for index, pk in enumerate(wanted)}
    rows = page.filter(pk__in=wanted).order_by()
    return sorted(rows, key=lambda row: position[row.pk])


def _ids_alone(queryset: Any, *, in_order: bool = False) -> list[Any] | None:
    """The ids read once (read here if not yet) when they are ``queryset``'s only
    condition (see :func:`known_count`); with ``in_order``, only when they were read in
    ``queryset``'s order. None otherwise; an empty list for ids of nobody."""
    query = getattr(queryset, "query", None)
    if query is None or query.is_sliced or query.distinct or query.combinator:
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or query.where.connector != "AND":
        return None
    if query.where.negated or len(query.where.children) != 1 or query.extra:
        return None
    if query.group_by is not None:  # grouped (an aggregate): not a row per id
        return None
    lookup = query.where.children[0]
    if not isinstance(lookup, _AsArray):
        return None
    read = getattr(lookup.rhs, READ_ONCE, None)  # type: ignore[attr-defined]
    target = getattr(lookup.lhs, "target", None)  # type: ignore[attr-defined]
    if read is None or target is None or target != query.model._meta.pk:
        return None
    if in_order and read.get("order") != (query.model, tuple(query.order_by)):
        return None
    if "ids" not in read:
        compiler = lookup.rhs.get_compiler(connection=connection)  # type: ignore[attr-defined]
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # ids of nobody (a reader who reaches no one)
            return []
        _read_ids(connection, read, f"({sql})", params)
    return read["ids"]


def count_per_row(qs: Any, link: str) -> Coalesce:
    """How many rows of ``qs`` belong to the outer row (``link`` points at its pk), 0 for
    none: a subquery of each row, so PostgreSQL counts for the rows a page shows, after
    its sort and limit, and a paginator's count leaves it out (a join grouped over every
    row counted them all)."""
    counted = qs.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), Value(0))


class InArray(In):
    """``field__in_array=[values]``: the rows whose ``field`` is one of ``values`` (a
    list), on PostgreSQL as one array parameter, ``field IN (SELECT unnest(%s))``: a
    subquery PostgreSQL hashes once, so that a condition repeated in many CASE branches
    over thousands of rows is a hash probe each. (``field = ANY(%s)`` compared each row
    with every value in turn there: 1.2 µs a row for 850 values, 20 times slower; and
    ``IN (%s, …)`` is as many parameters as values in every copy.) Elsewhere (SQLite) it
    is ``IN`` as usual."""

    lookup_name = "in_array"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor != "postgresql" or not self.rhs_is_direct_value():
            sql, params = super().as_sql(compiler, connection)
            return sql, list(params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [v for v in self.rhs if v is not None]
        kind = self.lhs.output_field.db_type(connection)
        return f"{lhs} IN (SELECT unnest(%s::{kind}[]))", [*lhs_params, array_param(values)]


class RelatedInArray(InArray, RelatedIn):
    """``foreign_key__in_array=[ids]`` (see :class:`InArray`)."""


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(RelatedAnyOf)
    Field.register_lookup(InArray)
    ForeignObject.register_lookup(RelatedInArray)


def batches_in_order(queryset: Any, size: int) -> Any:
    """The rows of ``queryset`` in its order, ``size`` at a time (lists), for an export:
    its ordered ids in one statement, then each batch by id, which the primary key's index
    finds. (Slicing by OFFSET ran the whole filtered and sorted query again for every
    batch, and the later batches sorted more rows to skip them.) Prefetches and
    annotations of ``queryset`` apply to each batch."""
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        wanted = ids[start : start + size]
        position = {pk: index for index, pk in enumerate(wanted)}
        yield sorted(queryset.filter(pk__in=wanted), key=lambda row: position[row.pk])
