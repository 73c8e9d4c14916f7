from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_sdp_import_reasons_and_head"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["stage_since", "id"], name="proposal_latest_first"),
        ),
    ]
