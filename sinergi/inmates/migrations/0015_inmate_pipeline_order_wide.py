"""The rights pipeline's order across facilities (a region's or a Kanwil's first page)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inmates", "0014_inmate_earliest_right"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inmate",
            index=models.Index(
                condition=models.Q(status="in_custody"),
                fields=["earliest_right", "name", "id"],
                name="inmate_pipeline_order_wide",
            ),
        ),
    ]
