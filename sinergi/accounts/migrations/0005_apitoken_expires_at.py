"""API tokens expire: existing tokens get 90 days from their creation."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F

EXISTING_TOKEN_DAYS = 90


def give_existing_tokens_ninety_days(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.update(expires_at=F("created_at") + timedelta(days=EXISTING_TOKEN_DAYS))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        # Backwards the column is dropped by the AddField's reverse: nothing to undo here.
        migrations.RunPython(give_existing_tokens_ninety_days, migrations.RunPython.noop),
    ]
