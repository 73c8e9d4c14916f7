"""tests/pdf_memo.py: a PDF laid out once in a test process is not laid out again, and
what it gives back is what WeasyPrint would have made."""

from __future__ import annotations

import pytest
import weasyprint

from tests import pdf_memo

PAGE = "<html><body><h1>Laporan {n}</h1><p>Selong</p></body></html>"


@pytest.fixture
def layouts(monkeypatch):
    """A list that grows by one each time WeasyPrint itself lays a document out."""
    laid_out: list[int] = []
    original = weasyprint.HTML.__mro__[1].write_pdf

    def counting(self, *args, **kwargs):
        laid_out.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML.__mro__[1], "write_pdf", counting)
    return laid_out


def test_the_same_html_gives_the_bytes_weasyprint_makes_and_is_laid_out_once(monkeypatch, layouts):
    assert getattr(weasyprint.HTML, "_sinergi_memo", False), "installed by tests/conftest.py"
    html = PAGE.format(n="memo-1")
    first = weasyprint.HTML(string=html, base_url="/").write_pdf()
    again = weasyprint.HTML(string=html, base_url="/").write_pdf()
    other = weasyprint.HTML(string=PAGE.format(n="memo-2"), base_url="/").write_pdf()

    assert first == again and first.startswith(b"%PDF")
    assert other != first
    assert len(layouts) == 2  # the first and the other, not the same one again
    monkeypatch.undo()
    assert first == weasyprint.HTML.__mro__[1](string=html, base_url="/").write_pdf()


def test_a_document_written_to_a_target_is_laid_out_as_asked(tmp_path):
    target = tmp_path / "out.pdf"
    weasyprint.HTML(string=PAGE.format(n="memo-3")).write_pdf(target)
    assert target.read_bytes().startswith(b"%PDF")
    pdf_memo.install()  # installing twice changes nothing
    assert weasyprint.HTML.__mro__[1].__name__ == "HTML"


def test_the_same_html_given_other_options_is_laid_out_again(layouts):
    html = PAGE.format(n="memo-4")
    weasyprint.HTML(string=html, base_url="/").write_pdf()
    weasyprint.HTML(string=html, base_url="/", media_type="screen").write_pdf()
    weasyprint.HTML(string=html, base_url="/tmp").write_pdf()
    weasyprint.HTML(string=html, base_url="/").write_pdf(zoom=2)

    assert len(layouts) == 4


def test_the_workers_of_one_run_share_what_they_laid_out(monkeypatch, layouts):
    """Another worker of the same run (its own memory, the run's folder) gets the bytes;
    another run lays the document out again; the run's end removes the folder."""
    html = PAGE.format(n="memo-5")
    monkeypatch.setattr(pdf_memo, "_made", {})
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", "memotestrun1")
    folder = pdf_memo.shared_folder()
    assert folder is not None and not folder.exists()
    try:
        first = weasyprint.HTML(string=html, base_url="/").write_pdf()
        monkeypatch.setattr(pdf_memo, "_made", {})  # another worker's memory
        assert weasyprint.HTML(string=html, base_url="/").write_pdf() == first
        assert len(layouts) == 1
        assert [path.suffix for path in folder.iterdir()] == [".pdf"]

        monkeypatch.setattr(pdf_memo, "_made", {})
        monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", "memotestrun2")  # a later run
        assert weasyprint.HTML(string=html, base_url="/").write_pdf() == first
        assert len(layouts) == 2
    finally:
        pdf_memo.remove_shared_folder("memotestrun1")
        pdf_memo.remove_shared_folder("memotestrun2")
    assert not folder.exists()


def test_without_xdist_nothing_is_shared(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_TESTRUNUID", raising=False)
    assert pdf_memo.shared_folder() is None
    assert pdf_memo.shared_folder("../etc") is None  # only a run id names a folder
