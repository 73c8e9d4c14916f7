"""WeasyPrint's PDFs remembered per HTML within a test process.

WeasyPrint makes the same bytes from the same HTML (no clock, no random in its output),
and a PDF takes about a second to lay out. Seeding the whole demo builds eight (the
indicator reports, their signed editions), and some twenty tests and fixtures of a run
seed it on each worker (the browser tests, the route x role matrix, the API fuzzing,
the language leaks, each app's demo checks): the same HTML, laid out again each time.
Here a document whose HTML, base URL and options were laid out before in this process
gets the bytes it made then; any other is laid out by WeasyPrint as in production.

The workers of one run (pytest-xdist) also share what they laid out, through files in a
folder of that run only (named by xdist's test run id, removed at the run's end): each
worker seeded the demo and laid out the same eight documents again (about 10 s each
time). A later run lays everything out again (a stylesheet may have changed between).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_made: dict[tuple[str, str, str], bytes] = {}
_MAX = 256  # documents kept; a run makes a few dozen distinct ones


def shared_folder(run: str | None = None) -> Path | None:
    """The folder the workers of this run share (None outside pytest-xdist)."""
    run = run or os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    if not run or not run.isalnum():
        return None
    return Path(tempfile.gettempdir()) / f"sinergi-pdf-memo-{run}"


def remove_shared_folder(run: str) -> None:
    """At the run's end (the xdist controller): the run's documents go."""
    folder = shared_folder(run)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _shared(key: tuple[str, str, str], make: Any) -> bytes:
    folder = shared_folder()
    if folder is None:
        return bytes(make())
    path = folder / (hashlib.sha256(repr(key).encode()).hexdigest() + ".pdf")
    try:
        return path.read_bytes()
    except OSError:
        pass
    made = bytes(make())
    folder.mkdir(parents=True, exist_ok=True)
    # written under another name, then renamed: another worker never reads half a file
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(made)
    partial.replace(path)
    return made


def _described(options: dict[str, Any]) -> str:
    return repr(sorted((name, repr(value)) for name, value in options.items()))


def install() -> None:
    import weasyprint

    if getattr(weasyprint.HTML, "_sinergi_memo", False):
        return

    class RememberedHTML(weasyprint.HTML):  # type: ignore[misc]
        _sinergi_memo = True

        def __init__(self, *args: Any, string: str | None = None, **kwargs: Any) -> None:
            super().__init__(*args, string=string, **kwargs)
            # the HTML and everything else it was given (base URL, media type, fetcher)
            self._sinergi_source = (
                string if string is not None and not args else None,
                _described(kwargs),
            )

        def write_pdf(self, target: Any = None, *args: Any, **kwargs: Any) -> Any:
            html, given = self._sinergi_source
            if html is None or target is not None:
                return super().write_pdf(target, *args, **kwargs)
            key = (
                hashlib.sha256(html.encode()).hexdigest(),
                given,
                _described(kwargs) + repr(args),
            )
            if key not in _made:
                if len(_made) >= _MAX:
                    _made.pop(next(iter(_made)))
                _made[key] = _shared(
                    key, lambda: super(RememberedHTML, self).write_pdf(None, *args, **kwargs)
                )
            return _made[key]

    weasyprint.HTML = RememberedHTML
