"""Demo users, one per role, all with the password ``sinergi-demo`` (see the README)."""

from __future__ import annotations

from typing import Any, TextIO

from sinergi.accounts.models import Membership, User
from sinergi.core.demo import DEMO_PASSWORD, in_demo_time_zone
from sinergi.core.roles import Role
from sinergi.orgs.models import Facility, Partner, Region

# username, full name, role, organisation kind, organisation code
USERS = [
    ("admin", "Administrator Sinergi", Role.ADMINISTRATOR, None, None),
    ("kalapas.selong", "Kepala Lapas Selong", Role.HEAD, "facility", "selong"),
    ("petugas.selong", "Petugas Pembinaan Selong", Role.PROGRAM_OFFICER, "facility", "selong"),
    ("wali.selong", "Wali Pemasyarakatan Selong", Role.GUARDIAN, "facility", "selong"),
    ("instruktur.blk", "Instruktur BLK Lombok Timur", Role.INSTRUCTOR, "partner", "blk-lotim"),
    (
        "mitra.disnaker",
        "Staf Disnaker Lombok Timur",
        Role.PARTNER_USER,
        "partner",
        "disnaker-lotim",
    ),
    (
        "mitra.dukcapil",
        "Staf Dukcapil Lombok Timur",
        Role.PARTNER_USER,
        "partner",
        "dukcapil-lotim",
    ),
    (
        "pk.bapas",
        "Pembimbing Kemasyarakatan Bapas Mataram",
        Role.PROBATION_OFFICER,
        "facility",
        "bapas-mataram",
    ),
    ("petugas.lobar", "Petugas Pembinaan Lombok Barat", Role.PROGRAM_OFFICER, "facility", "lobar"),
    ("kanwil.ntb", "Analis Kanwil NTB", Role.REGIONAL_VIEWER, "region", "ntb"),
]

_ORG_MODELS = {"facility": Facility, "partner": Partner, "region": Region}


@in_demo_time_zone
def seed(out: TextIO) -> None:
    created = 0
    for username, full_name, role, org_kind, org_code in USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "email": f"{username}@example.org",
                "is_staff": role == Role.ADMINISTRATOR,
                "is_superuser": role == Role.ADMINISTRATOR,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        org: dict[str, Any] = {}
        if org_kind is not None:
            model: Any = _ORG_MODELS[org_kind]
            org = {org_kind: model.objects.get(code=org_code)}
        Membership.objects.get_or_create(user=user, role=role, **org)
    out.write(f"  users: {created} new (password {DEMO_PASSWORD!r})\n")
