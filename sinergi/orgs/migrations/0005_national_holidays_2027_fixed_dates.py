from django.db import migrations


def load_shipped(apps, schema_editor):
    """The shipped file again: it now also holds the fixed-date national holidays of 2027
    (1 January, 1 May, 1 June, 17 August, 25 December); the days already there are
    left as they are (updated in place)."""
    from sinergi.orgs.national_holidays import save, shipped_rows

    save(apps.get_model("orgs", "NationalHoliday"), shipped_rows())


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0004_national_holidays"),
    ]

    operations = [
        migrations.RunPython(load_shipped, migrations.RunPython.noop),
    ]
