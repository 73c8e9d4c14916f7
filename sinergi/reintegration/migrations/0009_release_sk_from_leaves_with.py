"""Releases recorded by proposals before the release had SK fields kept the decree in
"leaves with" as exactly ``SK <number> (<YYYY-MM-DD>)`` (the date empty when unknown).
Such a text, and only the whole text, is moved into ``sk_number`` and ``sk_date``; any
other "leaves with" is left as it is. Reversed, a release with an SK and nothing in
"leaves with" gets the text back, so nothing is lost when the fields are dropped."""

import datetime
import re

from django.db import migrations

WRITTEN_BY_PROPOSALS = re.compile(r"SK (?P<number>\S.*?) \((?P<day>\d{4}-\d{2}-\d{2})?\)")


def move_sk_out_of_leaves_with(apps, schema_editor):
    Release = apps.get_model("reintegration", "Release")
    rows = Release.objects.filter(sk_number="", leaves_with__startswith="SK ")
    for release in rows.only("pk", "leaves_with"):
        found = WRITTEN_BY_PROPOSALS.fullmatch(release.leaves_with.strip())
        if found is None:
            continue
        number = found["number"].strip()
        if not number or len(number) > 100:
            continue
        try:
            day = datetime.date.fromisoformat(found["day"]) if found["day"] else None
        except ValueError:
            continue
        Release.objects.filter(pk=release.pk).update(sk_number=number, sk_date=day, leaves_with="")


def put_sk_back_into_leaves_with(apps, schema_editor):
    Release = apps.get_model("reintegration", "Release")
    for release in Release.objects.filter(leaves_with="").exclude(sk_number=""):
        day = release.sk_date.isoformat() if release.sk_date else ""
        Release.objects.filter(pk=release.pk).update(leaves_with=f"SK {release.sk_number} ({day})")


class Migration(migrations.Migration):
    dependencies = [
        ("reintegration", "0008_release_sk"),
    ]

    operations = [
        migrations.RunPython(move_sk_out_of_leaves_with, put_sk_back_into_leaves_with),
    ]
