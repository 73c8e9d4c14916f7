"""``makemessages`` that also extracts the strings marked with ``N_`` (``gettext_noop``
imported under that name, as the API's and the SDP import's messages are): xgettext
knows ``gettext_noop`` but not the alias, and ``make messages`` (``--no-obsolete``)
dropped their Indonesian translations."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
