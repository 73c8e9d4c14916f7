"""The first needs-assessment version: one or two questions per pathway (data)."""

from django.db import migrations

QUESTIONS = [
    ("identity", "Apakah memiliki KTP elektronik, Kartu Keluarga dan akta kelahiran yang berlaku?"),
    ("work", "Keterampilan dan sertifikat apa yang dimiliki, dan pekerjaan apa yang dituju?"),
    ("self_employment", "Apakah berencana membuka usaha, dan modal apa yang dibutuhkan?"),
    ("housing", "Di mana akan tinggal setelah bebas, dan apakah tempat itu pasti?"),
    ("health", "Apakah terdaftar BPJS Kesehatan, dan adakah pengobatan yang harus berlanjut?"),
    ("family", "Apakah keluarga dan lingkungan siap menerima kembali?"),
    ("finance", "Apakah memiliki rekening bank untuk premi dan tabungan?"),
    ("education", "Apakah ingin melanjutkan pendidikan (paket A/B/C atau lainnya)?"),
    ("spiritual", "Adakah kebutuhan pendampingan rohani atau kesehatan jiwa?"),
    ("addiction", "Adakah riwayat ketergantungan yang perlu rehabilitasi lanjutan?"),
]


def create(apps, schema_editor):
    version_model = apps.get_model("reintegration", "AssessmentVersion")
    question_model = apps.get_model("reintegration", "AssessmentQuestion")
    version, _ = version_model.objects.get_or_create(
        version=1, defaults={"name": "Asesmen kebutuhan reintegrasi", "is_current": True}
    )
    for order, (pathway, text) in enumerate(QUESTIONS):
        question_model.objects.get_or_create(
            version=version, pathway=pathway, defaults={"text": text, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("reintegration", "AssessmentVersion").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("reintegration", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
