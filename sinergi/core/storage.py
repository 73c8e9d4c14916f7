"""Static files in production: hashed names in a manifest, compressed copies (WhiteNoise)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, tolerant of source maps that are not shipped.

    Minified libraries end with ``//# sourceMappingURL=x.map`` while their vendored copy
    (or a package's static folder) often lacks the ``.map``. Django's manifest storage
    then stops ``collectstatic`` with "file could not be found", and every page fails on
    the missing manifest. A source map only serves a browser's developer tools, so a
    reference to a missing one is dropped from the collected copy (with a warning);
    every other missing reference (a stylesheet's ``url(...)``) still fails loudly.
    """

    def url_converter(
        self, name: str, hashed_files: dict[str, str], template: str | None = None
    ) -> Callable[[re.Match[str]], str]:
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj: re.Match[str]) -> str:
            try:
                return convert(matchobj)
            except ValueError:
                matched = matchobj.group("matched")
                if "sourceMappingURL" not in matched:
                    raise
                logger.warning("%s: dropped the missing source map %s", name, matched)
                return ""

        return converter
