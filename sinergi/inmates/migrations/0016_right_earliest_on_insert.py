"""``Inmate.earliest_right`` after rights are inserted: from the inserted rows alone.

0014's statement trigger on the rights computed, for every person of an insert, the
minimum over all their eligible rights (a subquery per person), also for the people not
written yet: an import writes a new person's rights before the person, so that COPY of a
chunk's 25,000 rights spent about as long again in the trigger as in the rows. Rights
added can only bring a person's date earlier, so after an insert the value is the earlier
of the stored one and the inserted rows' earliest (``LEAST`` leaves out NULL), one
grouping of the transition table joined to the people that exist; updates and deletes
keep 0014's computation. (A value written to the person is still replaced by the rights'
minimum by the person's own trigger, as before.)

The function is 0014's (read from that migration, which does not change) with its INSERT
branch replaced; run by RunPython, as 0014's, so that the tests' data steps install it
after 0014's."""

import importlib

from django.db import migrations

# 0014's function, kept as it landed: put back when this migration is reversed.
_EARLIER = importlib.import_module("sinergi.inmates.migrations.0014_inmate_earliest_right")
ALL_RIGHTS_OF_EACH_PERSON = next(
    statement
    for statement in _EARLIER.POSTGRESQL_INSTALL
    if "FUNCTION inmates_right_earliest()" in statement
)

# 0014's INSERT branch (the people of the inserted rows, each computed from all their
# rights below) and what replaces it: the inserted rows' earliest, per person.
_EVERY_PERSON_OF_THE_ROWS = """
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT inmate_id) INTO people FROM changed_new;
"""
_FROM_THE_ROWS = """
        IF TG_OP = 'INSERT' THEN
            UPDATE inmates_inmate i SET earliest_right = LEAST(i.earliest_right, n.day)
            FROM (
                SELECT inmate_id, MIN(eligible_from) AS day FROM changed_new
                WHERE status = 'eligible' GROUP BY inmate_id
            ) n
            WHERE i.id = n.inmate_id
            AND i.earliest_right IS DISTINCT FROM LEAST(i.earliest_right, n.day);
            RETURN NULL;
"""
assert ALL_RIGHTS_OF_EACH_PERSON.count(_EVERY_PERSON_OF_THE_ROWS) == 1
ON_INSERT_FROM_THE_ROWS = ALL_RIGHTS_OF_EACH_PERSON.replace(
    _EVERY_PERSON_OF_THE_ROWS, _FROM_THE_ROWS
)


def _replace(schema_editor, body):
    # SQLite's triggers (one per row) are 0014's, unchanged.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(body)


def forwards(apps, schema_editor):
    _replace(schema_editor, ON_INSERT_FROM_THE_ROWS)


def backwards(apps, schema_editor):
    _replace(schema_editor, ALL_RIGHTS_OF_EACH_PERSON)


class Migration(migrations.Migration):
    dependencies = [
        ("inmates", "0015_inmate_pipeline_order_wide"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
