"""Texts that migrations and seeds store as data, in Indonesian, shown in the reader's
language.

Each is given in code as an English msgid (gettext_lazy) whose Indonesian translation is
exactly the stored text. A stored text that is still one of them is shown translated; a
text someone has since edited is shown as they wrote it (it has no translation).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation

STORED_LANGUAGE = "id"


class SeededTexts:
    def __init__(self, messages: Iterable[Any]) -> None:
        self.messages = list(messages)
        self._by_stored: dict[str, Any] | None = None

    def stored(self, message: Any) -> str:
        """``message`` as the database keeps it."""
        with translation.override(STORED_LANGUAGE):
            return str(message)

    def shown(self, text: str) -> str:
        """The stored ``text`` in the active language (as stored when it is not ours)."""
        if self._by_stored is None:
            self._by_stored = {self.stored(m): m for m in self.messages}
        message = self._by_stored.get(text)
        return text if message is None else str(message)
