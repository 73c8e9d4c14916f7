"""``Inmate.earliest_right``: the earliest eligibility date of the person's eligible
rights, kept by the database.

The rights pipeline sorts the people by it; as a subquery per person it cost a region's
list (11,000 people) some 70 ms a page. Triggers keep it equal to
``MIN(eligible_from) FROM inmates_inmateright WHERE inmate_id = person AND status =
'eligible'`` whatever writes the rights (the engine, the recalculation's bulk writes and
COPY, the import): on PostgreSQL one statement per statement on the rights (transition
tables: a COPY of a million rights updates its people in one pass, and only those whose
date changed), on SQLite one per row. A person's value written from Python (a save from
a stale instance, a bulk update) is computed again by a trigger on the person.

The SQL is written out here (not imported from the app) so that the migration does what
it did when it landed."""

from django.db import migrations, models

# A person's value: ``SELECT MIN(eligible_from) FROM inmates_inmateright WHERE inmate_id =
# <the person> AND status = 'eligible'``, written out in each statement below.
POSTGRESQL_INSTALL = [
    # the person's own row: a value written to it is replaced by the rights' one
    """
    CREATE OR REPLACE FUNCTION inmates_inmate_earliest_right() RETURNS trigger AS $$
    BEGIN
        NEW.earliest_right := (
            SELECT MIN(r.eligible_from) FROM inmates_inmateright r
            WHERE r.inmate_id = NEW.id AND r.status = 'eligible'
        );
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS inmates_inmate_earliest_right_insert ON inmates_inmate",
    # (a new person's rights may be written before them, in the same transaction: the
    # foreign key is checked at the commit)
    """
    CREATE TRIGGER inmates_inmate_earliest_right_insert
    BEFORE INSERT ON inmates_inmate
    FOR EACH ROW EXECUTE FUNCTION inmates_inmate_earliest_right()
    """,
    "DROP TRIGGER IF EXISTS inmates_inmate_earliest_right_update ON inmates_inmate",
    """
    CREATE TRIGGER inmates_inmate_earliest_right_update
    BEFORE UPDATE OF earliest_right ON inmates_inmate
    FOR EACH ROW EXECUTE FUNCTION inmates_inmate_earliest_right()
    """,
    # the rights: once per statement, over the people of the rows it wrote (those of the
    # new rows, of the old ones, or both), each person written only where the value changed
    """
    CREATE OR REPLACE FUNCTION inmates_right_earliest() RETURNS trigger AS $$
    DECLARE
        people bigint[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT inmate_id) INTO people FROM changed_new;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(DISTINCT inmate_id) INTO people FROM changed_old;
        ELSE
            SELECT array_agg(DISTINCT inmate_id) INTO people FROM (
                SELECT inmate_id FROM changed_new UNION ALL SELECT inmate_id FROM changed_old
            ) c;
        END IF;
        UPDATE inmates_inmate i SET earliest_right = f.day
        FROM (
            SELECT p.id, (
                SELECT MIN(r.eligible_from) FROM inmates_inmateright r
                WHERE r.inmate_id = p.id AND r.status = 'eligible'
            ) AS day
            FROM unnest(people) AS p(id)
        ) f
        WHERE i.id = f.id AND i.earliest_right IS DISTINCT FROM f.day;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS inmates_right_earliest_insert ON inmates_inmateright",
    """
    CREATE TRIGGER inmates_right_earliest_insert
    AFTER INSERT ON inmates_inmateright
    REFERENCING NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION inmates_right_earliest()
    """,
    "DROP TRIGGER IF EXISTS inmates_right_earliest_update ON inmates_inmateright",
    """
    CREATE TRIGGER inmates_right_earliest_update
    AFTER UPDATE ON inmates_inmateright
    REFERENCING NEW TABLE AS changed_new OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION inmates_right_earliest()
    """,
    "DROP TRIGGER IF EXISTS inmates_right_earliest_delete ON inmates_inmateright",
    """
    CREATE TRIGGER inmates_right_earliest_delete
    AFTER DELETE ON inmates_inmateright
    REFERENCING OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION inmates_right_earliest()
    """,
]

POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS inmates_right_earliest_delete ON inmates_inmateright",
    "DROP TRIGGER IF EXISTS inmates_right_earliest_update ON inmates_inmateright",
    "DROP TRIGGER IF EXISTS inmates_right_earliest_insert ON inmates_inmateright",
    "DROP FUNCTION IF EXISTS inmates_right_earliest()",
    "DROP TRIGGER IF EXISTS inmates_inmate_earliest_right_update ON inmates_inmate",
    "DROP TRIGGER IF EXISTS inmates_inmate_earliest_right_insert ON inmates_inmate",
    "DROP FUNCTION IF EXISTS inmates_inmate_earliest_right()",
]

# SQLite: AFTER triggers per row that write the person again (recursive triggers are
# off, so the person's trigger does not fire itself again).
SQLITE_INSTALL = [
    """
    CREATE TRIGGER IF NOT EXISTS inmates_right_earliest_insert
    AFTER INSERT ON inmates_inmateright
    BEGIN
        UPDATE inmates_inmate SET earliest_right = (
            SELECT MIN(r.eligible_from) FROM inmates_inmateright r
            WHERE r.inmate_id = NEW.inmate_id AND r.status = 'eligible'
        )
        WHERE id = NEW.inmate_id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS inmates_right_earliest_update
    AFTER UPDATE OF status, eligible_from, inmate_id ON inmates_inmateright
    BEGIN
        UPDATE inmates_inmate SET earliest_right = (
            SELECT MIN(r.eligible_from) FROM inmates_inmateright r
            WHERE r.inmate_id = inmates_inmate.id AND r.status = 'eligible'
        )
        WHERE id IN (NEW.inmate_id, OLD.inmate_id);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS inmates_right_earliest_delete
    AFTER DELETE ON inmates_inmateright
    BEGIN
        UPDATE inmates_inmate SET earliest_right = (
            SELECT MIN(r.eligible_from) FROM inmates_inmateright r
            WHERE r.inmate_id = OLD.inmate_id AND r.status = 'eligible'
        )
        WHERE id = OLD.inmate_id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS inmates_inmate_earliest_right_insert
    AFTER INSERT ON inmates_inmate
    WHEN NEW.earliest_right IS NOT NULL
        OR EXISTS (SELECT 1 FROM inmates_inmateright WHERE inmate_id = NEW.id)
    BEGIN
        UPDATE inmates_inmate SET earliest_right = (
            SELECT MIN(r.eligible_from) FROM inmates_inmateright r
            WHERE r.inmate_id = NEW.id AND r.status = 'eligible'
        )
        WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS inmates_inmate_earliest_right_update
    AFTER UPDATE OF earliest_right ON inmates_inmate
    BEGIN
        UPDATE inmates_inmate SET earliest_right = (
            SELECT MIN(r.eligible_from) FROM inmates_inmateright r
            WHERE r.inmate_id = NEW.id AND r.status = 'eligible'
        )
        WHERE id = NEW.id;
    END
    """,
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS inmates_inmate_earliest_right_update",
    "DROP TRIGGER IF EXISTS inmates_inmate_earliest_right_insert",
    "DROP TRIGGER IF EXISTS inmates_right_earliest_delete",
    "DROP TRIGGER IF EXISTS inmates_right_earliest_update",
    "DROP TRIGGER IF EXISTS inmates_right_earliest_insert",
]

# Every person's value (the people with an eligible right; the others keep NULL).
FILL = """
    UPDATE inmates_inmate SET earliest_right = (
        SELECT MIN(r.eligible_from) FROM inmates_inmateright r
        WHERE r.inmate_id = inmates_inmate.id AND r.status = 'eligible'
    )
    WHERE id IN (SELECT inmate_id FROM inmates_inmateright WHERE status = 'eligible')
"""


def _run(schema_editor, statements):
    # The editor's connection, not the editor: the tests run this step outside an
    # entered editor (tests/demo_database.run_data_steps), where it must also hold.
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(apps, schema_editor):
    """The triggers (again: each statement may run twice), then every person's value."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [*POSTGRESQL_INSTALL, FILL])
    elif vendor == "sqlite":
        _run(schema_editor, [*SQLITE_INSTALL, FILL])
    else:
        # Without the triggers the value would go stale and the pipeline's order with it.
        raise RuntimeError(
            f"Sinergi runs on PostgreSQL or SQLite; this database ({vendor}) cannot keep "
            "Inmate.earliest_right, which the rights pipeline sorts by."
        )


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, POSTGRESQL_REMOVE if vendor == "postgresql" else SQLITE_REMOVE)


class Migration(migrations.Migration):
    dependencies = [
        ("inmates", "0013_sentence_held"),
    ]

    operations = [
        migrations.AddField(
            model_name="inmate",
            name="earliest_right",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="earliest right date"
            ),
        ),
        migrations.RunPython(install, remove),
        migrations.AddIndex(
            model_name="inmate",
            index=models.Index(
                condition=models.Q(status="in_custody"),
                fields=["facility", "earliest_right", "name", "id"],
                name="inmate_pipeline_order",
            ),
        ),
    ]
