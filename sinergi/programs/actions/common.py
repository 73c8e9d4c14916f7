"""What the program actions share: the status vocabulary and the refusal of a change."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sinergi.programs.choices import ProgramStatus

S = ProgramStatus

# Who changes a program, its sessions, its participants and their records:
# ``programs.change_program`` (the facility's program officers and head).
CHANGE_PROGRAM = "programs.change_program"
CHANGE_REFUSED = gettext_lazy(
    "Only the program officers and the head of the facility change its programs."
)
