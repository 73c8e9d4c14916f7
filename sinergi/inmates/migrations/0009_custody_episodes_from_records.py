"""Custody episodes built from the records kept before them: one per person, from the
admission date (else the sentence's detention start, else the day the record was made),
closed on the status date for a person released, transferred or dead (started no later
than that day). Reversible: going back drops the episodes."""

from django.db import migrations

END_BY_STATUS = {"released": "release", "transferred": "transfer_out", "deceased": "death"}


def build(apps, schema_editor):
    Inmate = apps.get_model("inmates", "Inmate")
    Episode = apps.get_model("inmates", "CustodyEpisode")
    have = set(Episode.objects.values_list("inmate_id", flat=True))
    batch = []
    rows = Inmate.objects.order_by("pk").values_list(
        "pk",
        "facility_id",
        "status",
        "admission_date",
        "status_changed_on",
        "sentence__detention_start",
        "created_at",
    )
    for pk, facility_id, status, admitted, changed, detained, created in rows.iterator(
        chunk_size=2000
    ):
        if pk in have:
            continue
        start = admitted or detained or created.date()
        episode = Episode(inmate_id=pk, facility_id=facility_id, started_on=start)
        if status != "in_custody":
            end = changed or start
            episode.started_on = min(start, end)
            episode.ended_on = end
            episode.ended_how = END_BY_STATUS[status]
        batch.append(episode)
        if len(batch) >= 1000:
            Episode.objects.bulk_create(batch)
            batch = []
    Episode.objects.bulk_create(batch)


def drop(apps, schema_editor):
    apps.get_model("inmates", "CustodyEpisode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("inmates", "0008_custody_episodes")]

    operations = [migrations.RunPython(build, drop)]
