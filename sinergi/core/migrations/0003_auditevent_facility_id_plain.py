"""AuditEvent.facility, a foreign key to orgs.Facility, becomes a plain indexed facility id.

``core`` knows no app: the audit trail names the facility an event concerns by its id.
The column stays ``facility_id`` with its values (only the foreign-key constraint goes),
and so does the index on (facility_id, created_at); reversing restores the foreign key.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditevent_action_choices"),
    ]

    operations = [
        # The foreign key becomes an integer in the same column: the values stay.
        migrations.AlterField(
            model_name="auditevent",
            name="facility",
            field=models.PositiveBigIntegerField(
                blank=True,
                db_column="facility_id",
                db_index=True,
                null=True,
                verbose_name="facility",
            ),
        ),
        # The field takes the name of its column. The database does not change (same
        # column, same indexes); the composite index is named by field in the state.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name="auditevent",
                    name="core_audite_facilit_fdaa50_idx",
                ),
                migrations.RenameField(
                    model_name="auditevent",
                    old_name="facility",
                    new_name="facility_id",
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="facility_id",
                    field=models.PositiveBigIntegerField(
                        blank=True, db_index=True, null=True, verbose_name="facility"
                    ),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(
                        fields=["facility_id", "created_at"],
                        name="core_audite_facilit_fdaa50_idx",
                    ),
                ),
            ],
        ),
    ]
