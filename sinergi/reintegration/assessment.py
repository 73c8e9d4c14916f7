"""The default needs assessment (version 1). The data migration 0002 installs the same
questions; this copy serves the demo on a database that was flushed (browser tests)."""

from __future__ import annotations

from sinergi.reintegration.models import AssessmentQuestion, AssessmentVersion

DEFAULT_QUESTIONS = [
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


def ensure_default_assessment() -> AssessmentVersion:
    """The assessment in use, installing version 1 when there is none."""
    current = AssessmentVersion.objects.filter(is_current=True).order_by("-version").first()
    if current is not None:
        return current
    version, _created = AssessmentVersion.objects.get_or_create(
        version=1, defaults={"name": "Asesmen kebutuhan reintegrasi", "is_current": True}
    )
    for order, (pathway, text) in enumerate(DEFAULT_QUESTIONS):
        AssessmentQuestion.objects.get_or_create(
            version=version, pathway=pathway, defaults={"text": text, "order": order}
        )
    return version
