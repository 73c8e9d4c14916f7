"""Enrolments completed before a fix ended on the day the certificate was issued, which
could be weeks after their program's last day (and so counted the trainee as taking part
in months the program no longer ran). They now end no later than the program's end date,
and never before they began, as ``programs.actions.completed_on`` does."""

from django.db import migrations
from django.db.models import F


def end_with_the_program(apps, schema_editor):
    Enrollment = apps.get_model("programs", "Enrollment")
    late = Enrollment.objects.filter(
        end_reason="completed", ended_on__gt=F("program__end_date")
    ).select_related("program")
    for enrollment in late.iterator(chunk_size=500):
        enrollment.ended_on = max(enrollment.enrolled_on, enrollment.program.end_date)
        enrollment.save(update_fields=["ended_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_end_reasons_not_completed_and_program_cancelled"),
    ]

    # The wrong end dates are not worth restoring: going back leaves the corrected ones.
    operations = [migrations.RunPython(end_with_the_program, migrations.RunPython.noop)]
