"""``Sentence.held``: whether the person is in custody, kept by the database.

Triggers keep it equal to ``inmate.status = 'in_custody'`` whatever writes the rows (the
ORM, a bulk update, the import's COPY): a sentence's value is computed from its person
when the sentence is inserted or its ``held`` or ``inmate_id`` is written (so a value
saved from a stale instance is replaced), and a person's sentence is set again when the
person is inserted or their status is written. The partial index then gives the lists of
people to release the held whose day has come as one index range.

The SQL is written out here (not imported from the app) so that the migration does what
it did when it landed."""

from django.db import migrations, models
from django.db.models.functions import Coalesce

POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION inmates_sentence_held() RETURNS trigger AS $$
    BEGIN
        NEW.held := EXISTS (
            SELECT 1 FROM inmates_inmate
            WHERE id = NEW.inmate_id AND status = 'in_custody'
        );
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS inmates_sentence_held ON inmates_sentence",
    """
    CREATE TRIGGER inmates_sentence_held
    BEFORE INSERT OR UPDATE OF held, inmate_id ON inmates_sentence
    FOR EACH ROW EXECUTE FUNCTION inmates_sentence_held()
    """,
    """
    CREATE OR REPLACE FUNCTION inmates_inmate_held() RETURNS trigger AS $$
    BEGIN
        UPDATE inmates_sentence SET held = (NEW.status = 'in_custody')
        WHERE inmate_id = NEW.id AND held IS DISTINCT FROM (NEW.status = 'in_custody');
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS inmates_inmate_held ON inmates_inmate",
    """
    CREATE TRIGGER inmates_inmate_held
    AFTER INSERT OR UPDATE OF status ON inmates_inmate
    FOR EACH ROW EXECUTE FUNCTION inmates_inmate_held()
    """,
]

POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS inmates_inmate_held ON inmates_inmate",
    "DROP FUNCTION IF EXISTS inmates_inmate_held()",
    "DROP TRIGGER IF EXISTS inmates_sentence_held ON inmates_sentence",
    "DROP FUNCTION IF EXISTS inmates_sentence_held()",
]

# SQLite: AFTER triggers that write the row again (recursive triggers are off, so a
# trigger's own UPDATE does not fire it again).
_SQLITE_HELD_OF_NEW = (
    "EXISTS (SELECT 1 FROM inmates_inmate WHERE id = NEW.inmate_id AND status = 'in_custody')"
)
SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS inmates_sentence_held_insert
    AFTER INSERT ON inmates_sentence
    BEGIN
        UPDATE inmates_sentence SET held = {_SQLITE_HELD_OF_NEW} WHERE id = NEW.id;
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS inmates_sentence_held_update
    AFTER UPDATE OF held, inmate_id ON inmates_sentence
    BEGIN
        UPDATE inmates_sentence SET held = {_SQLITE_HELD_OF_NEW} WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS inmates_inmate_held_insert
    AFTER INSERT ON inmates_inmate
    BEGIN
        UPDATE inmates_sentence SET held = (NEW.status = 'in_custody')
        WHERE inmate_id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS inmates_inmate_held_update
    AFTER UPDATE OF status ON inmates_inmate
    BEGIN
        UPDATE inmates_sentence SET held = (NEW.status = 'in_custody')
        WHERE inmate_id = NEW.id;
    END
    """,
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS inmates_inmate_held_update",
    "DROP TRIGGER IF EXISTS inmates_inmate_held_insert",
    "DROP TRIGGER IF EXISTS inmates_sentence_held_update",
    "DROP TRIGGER IF EXISTS inmates_sentence_held_insert",
]

FILL = """
    UPDATE inmates_sentence SET held = EXISTS (
        SELECT 1 FROM inmates_inmate
        WHERE inmates_inmate.id = inmates_sentence.inmate_id
        AND inmates_inmate.status = 'in_custody'
    )
"""


def _run(schema_editor, statements):
    # The editor's connection, not the editor: the tests run this step outside an
    # entered editor (tests/demo_database.run_data_steps), where it must also hold.
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(apps, schema_editor):
    """The triggers (again: each statement may run twice), then every row's value."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [*POSTGRESQL_INSTALL, FILL])
    elif vendor == "sqlite":
        _run(schema_editor, [*SQLITE_INSTALL, FILL])
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise NotImplementedError(f"Sentence.held has no triggers for {vendor}")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, POSTGRESQL_REMOVE if vendor == "postgresql" else SQLITE_REMOVE)


class Migration(migrations.Migration):
    dependencies = [
        ("inmates", "0012_sentence_release_due_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="sentence",
            name="held",
            field=models.BooleanField(default=False, editable=False, verbose_name="in custody"),
        ),
        migrations.RunPython(install, remove),
        migrations.AddIndex(
            model_name="sentence",
            index=models.Index(
                Coalesce("release_date", "expiry_after_remission"),
                condition=models.Q(held=True),
                name="inmates_sentence_held_due",
            ),
        ),
    ]
