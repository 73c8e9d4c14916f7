"""Demo organisations: the NTB region, Lapas Selong and its East Lombok partners."""

from __future__ import annotations

from typing import TextIO

from sinergi.core.demo import DEMO_TIME_ZONE, in_demo_time_zone
from sinergi.orgs.models import (
    DocumentKind,
    Facility,
    FacilityClass,
    FacilityKind,
    Partner,
    PartnerContact,
    PartnerKind,
    Region,
    Signatory,
)

LOTIM = "Kabupaten Lombok Timur"
NTB_LINES = "Direktorat Jenderal Pemasyarakatan\nKantor Wilayah Nusa Tenggara Barat"

REGION_LETTERHEAD = {
    "letterhead_lines": "Direktorat Jenderal Pemasyarakatan",
    "letterhead_name": "Kantor Wilayah Nusa Tenggara Barat",
    "address": "Jl. Majapahit No. 25, Mataram, Nusa Tenggara Barat 83127",
    "phone": "(0370) 632100",
    "email": "kanwil.ntb@example.org",
    "town": "Mataram",
}

# The kop surat of each demo unit (the ministry line is the default one).
LETTERHEADS = {
    "selong": {
        "letterhead_lines": NTB_LINES,
        "town": "Selong",
        "phone": "(0376) 21045",
        "email": "lapas.selong@example.org",
    },
    "lobar": {
        "letterhead_lines": NTB_LINES,
        "town": "Kuripan",
        "phone": "(0370) 671234",
        "email": "lapas.lobar@example.org",
    },
    "bapas-mataram": {
        "letterhead_lines": NTB_LINES,
        "town": "Mataram",
        "phone": "(0370) 633456",
        "email": "bapas.mataram@example.org",
    },
}

# Invented names and NIPs. (unit, document kind, name, NIP, title, deputy, deputy's NIP)
SIGNATORIES = [
    (
        "selong",
        DocumentKind.ANY,
        "Lalu Ahmad Suhaimi",
        "197806152003121001",
        "Kepala Lapas Kelas IIB Selong",
        "Baiq Nurul Aini",
        "198204102006042002",
    ),
    (
        "selong",
        DocumentKind.ATTENDANCE_SHEET,
        "Sri Wahyuni",
        "198011032005012002",
        "Kepala Seksi Pembinaan Narapidana",
        "",
        "",
    ),
    (
        "lobar",
        DocumentKind.ANY,
        "Ahmad Fauzi",
        "197909092002121002",
        "Kepala Lapas Kelas IIA Lombok Barat",
        "",
        "",
    ),
    (
        "bapas-mataram",
        DocumentKind.ANY,
        "Ni Luh Putu Ariani",
        "197512182000032001",
        "Kepala Bapas Kelas I Mataram",
        "",
        "",
    ),
]
REGION_SIGNATORY = (
    "Parlindungan Siregar",
    "197003051992031001",
    "Kepala Kantor Wilayah Direktorat Jenderal Pemasyarakatan Nusa Tenggara Barat",
)

FACILITIES = [
    {
        "code": "selong",
        "name": "Lapas Kelas IIB Selong",
        "kind": FacilityKind.LAPAS,
        "facility_class": FacilityClass.IIB,
        "regency": LOTIM,
        "address": "Jl. Pejanggik, Selong, Lombok Timur, NTB",
        "head_name": "Kepala Lapas Kelas IIB Selong",
    },
    {
        "code": "lobar",
        "name": "Lapas Kelas IIA Lombok Barat",
        "kind": FacilityKind.LAPAS,
        "facility_class": FacilityClass.IIA,
        "regency": "Kabupaten Lombok Barat",
        "address": "Kuripan, Lombok Barat, NTB",
        "head_name": "Kepala Lapas Kelas IIA Lombok Barat",
    },
    {
        "code": "bapas-mataram",
        "name": "Bapas Kelas I Mataram",
        "kind": FacilityKind.BAPAS,
        "facility_class": FacilityClass.I,
        "regency": "Kota Mataram",
        "address": "Mataram, NTB",
        "head_name": "Kepala Bapas Kelas I Mataram",
    },
]

# (code, name, kind, parent code, regency, description, contact)
PARTNERS = [
    (
        "disnaker-lotim",
        "Dinas Tenaga Kerja Kabupaten Lombok Timur",
        PartnerKind.LOCAL_GOVERNMENT,
        None,
        LOTIM,
        "Pelatihan kerja, penempatan kerja dan perizinan kerja.",
        ("Kepala Bidang Pelatihan", "Kabid Pelatihan dan Produktivitas"),
    ),
    (
        "blk-lotim",
        "BLK Lombok Timur (UPTD Balai Latihan Kerja)",
        PartnerKind.LOCAL_GOVERNMENT,
        "disnaker-lotim",
        LOTIM,
        "Pelatihan vokasi 160 jam (las, menjahit, otomotif) dan uji kompetensi BNSP melalui LSP.",
        ("Instruktur Kepala", "Koordinator Instruktur"),
    ),
    (
        "dinsos-lotim",
        "Dinas Sosial Kabupaten Lombok Timur",
        PartnerKind.LOCAL_GOVERNMENT,
        None,
        LOTIM,
        "Bantuan sosial, pendampingan keluarga dan tempat tinggal sementara setelah bebas.",
        ("Kepala Seksi Rehabilitasi Sosial", "Kasi Rehsos"),
    ),
    (
        "dukcapil-lotim",
        "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Lombok Timur",
        PartnerKind.LOCAL_GOVERNMENT,
        None,
        LOTIM,
        "Perekaman e-KTP di dalam lapas, kartu keluarga dan akta kelahiran.",
        ("Kepala Bidang Pelayanan", "Kabid Pelayanan Pendaftaran Penduduk"),
    ),
    (
        "diskop-lotim",
        "Dinas Koperasi dan UKM Kabupaten Lombok Timur",
        PartnerKind.LOCAL_GOVERNMENT,
        None,
        LOTIM,
        "Pelatihan usaha, modal usaha dan pemasaran produk karya warga binaan.",
        ("Kepala Bidang UKM", "Kabid Pemberdayaan UKM"),
    ),
    (
        "distan-lotim",
        "Dinas Pertanian Kabupaten Lombok Timur",
        PartnerKind.LOCAL_GOVERNMENT,
        None,
        LOTIM,
        "Sarana produksi pertanian, alat mesin (traktor untuk lahan pertanian lapas) dan penyuluh.",
        ("Penyuluh Pertanian", "Koordinator Penyuluh"),
    ),
    (
        "kemenag-lotim",
        "Kantor Kementerian Agama Kabupaten Lombok Timur",
        PartnerKind.RELIGIOUS,
        None,
        LOTIM,
        "Penyuluh agama dan kelas baca Al-Qur'an.",
        ("Penyuluh Agama Islam", "Koordinator Penyuluh Agama"),
    ),
    (
        "tenun-sasak",
        "UD Tenun Sasak Lestari",
        PartnerKind.BUSINESS,
        None,
        LOTIM,
        "Sanggar tenun; membeli kain tenun karya warga binaan dan mempekerjakan mantan "
        "peserta pelatihan.",
        ("Pemilik", "Pemilik usaha"),
    ),
    (
        "bengkel-rinjani",
        "CV Bengkel Las Rinjani",
        PartnerKind.BUSINESS,
        None,
        LOTIM,
        "Bengkel las; menerima magang setelah bebas.",
        ("Kepala Bengkel", "Kepala bengkel"),
    ),
    (
        "lpbh-ntb",
        "Lembaga Pendampingan dan Bantuan Hukum NTB",
        PartnerKind.CIVIL_SOCIETY,
        None,
        "Kota Mataram",
        "Penyuluhan hukum dan mediasi keluarga.",
        ("Koordinator Program", "Koordinator program"),
    ),
    (
        "yayasan-bina-lotim",
        "Yayasan Bina Insan Lombok Timur",
        PartnerKind.CIVIL_SOCIETY,
        None,
        LOTIM,
        "Konseling, pendampingan pemulihan adiksi dan pembimbingan setelah bebas.",
        ("Konselor", "Konselor senior"),
    ),
]


@in_demo_time_zone
def seed(out: TextIO) -> None:
    region, _ = Region.objects.get_or_create(
        code="ntb",
        defaults={
            "name": "Kanwil Kementerian Imigrasi dan Pemasyarakatan NTB",
            "province": "Nusa Tenggara Barat",
            "time_zone": DEMO_TIME_ZONE,
        },
    )
    for data in FACILITIES:
        Facility.objects.get_or_create(
            code=data["code"],
            defaults={**data, "region": region, "time_zone": DEMO_TIME_ZONE},
        )
    _letterheads(region)
    created = 0
    for code, name, kind, parent_code, regency, description, contact in PARTNERS:
        parent = Partner.objects.get(code=parent_code) if parent_code else None
        partner, was_created = Partner.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": parent,
                "region": region,
                "regency": regency,
                "description": description,
            },
        )
        if was_created:
            created += 1
            PartnerContact.objects.create(
                partner=partner,
                name=contact[0],
                position=contact[1],
                email=f"{code}@example.org",
            )
    out.write(f"  organisations: {Facility.objects.count()} facilities, {created} new partners\n")


def _letterheads(region: Region) -> None:
    """The demo units' letterheads and signatories, once (an edited one is kept)."""
    if not region.town:
        Region.objects.filter(pk=region.pk).update(**REGION_LETTERHEAD)
    for code, fields in LETTERHEADS.items():
        Facility.objects.filter(code=code, town="").update(**fields)
    for code, kind, name, nip, title, deputy, deputy_nip in SIGNATORIES:
        Signatory.objects.get_or_create(
            facility=Facility.objects.get(code=code),
            document_kind=kind,
            defaults={
                "name": name,
                "nip": nip,
                "title": title,
                "deputy_name": deputy,
                "deputy_nip": deputy_nip,
            },
        )
    name, nip, title = REGION_SIGNATORY
    Signatory.objects.get_or_create(
        region=region,
        document_kind=DocumentKind.ANY,
        defaults={"name": name, "nip": nip, "title": title},
    )
