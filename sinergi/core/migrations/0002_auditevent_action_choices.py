"""AuditEvent.action takes its choices from the audit vocabulary (AuditAction).

Choices live in Python only: the database does not change (state only), both ways. The
choices are a callable, so a new action in the vocabulary needs no further migration.
"""

from django.db import migrations, models

import sinergi.core.audit_actions


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="action",
                    field=models.CharField(
                        choices=sinergi.core.audit_actions.audit_action_choices,
                        db_index=True,
                        max_length=80,
                        verbose_name="action",
                    ),
                ),
            ],
        ),
    ]
