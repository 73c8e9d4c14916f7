"""CSV and XLSX exports never hand a spreadsheet a formula (CSV injection): one helper,
used by every writer, and the audit export checked with hostile values."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from sinergi.core import exports
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility

SINERGI = Path(__file__).resolve().parents[2] / "sinergi"
HELPER = SINERGI / "core" / "exports.py"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Lalu Ahmad", "Lalu Ahmad"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (-2.5, -2.5),
        (0, 0),
        (None, None),
    ],
)
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe_and_numbers_stay_numbers(
    value, expected
):
    assert exports.safe_cell(value) == expected


def test_a_lazy_translation_is_written_as_text():
    cell = exports.safe_cell(gettext_lazy("Status"))
    assert type(cell) is str
    assert cell == str(gettext_lazy("Status"))


def test_the_csv_writers_neutralise_every_row():
    out = io.StringIO()
    writer = exports.csv_writer(out)
    writer.writerow(["=1+1", -3, "ok"])
    writer.writerows([["@x"], ["-3"]])
    dict_out = io.StringIO()
    dict_writer = exports.csv_dict_writer(dict_out, fieldnames=["a", "b"])
    dict_writer.writeheader()
    dict_writer.writerow({"a": "+cmd", "b": 4})
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1+1", "-3", "ok"],
        ["'@x"],
        ["'-3"],
    ]
    assert list(csv.reader(io.StringIO(dict_out.getvalue()))) == [["a", "b"], ["'+cmd", "4"]]


def test_a_workbook_is_saved_with_text_cells_and_no_formula():
    workbook = exports.new_workbook()
    sheet = workbook.active
    sheet.append(["=1+1", -4, "-4", "plain"])
    sheet["A2"] = '=HYPERLINK("http://evil")'
    sheet.cell(row=3, column=1, value="@cmd")
    assert sheet["A1"].data_type == "f"  # openpyxl's own reading, before the helper

    book = load_workbook(io.BytesIO(exports.xlsx_bytes(workbook)))
    cells = book.active
    assert [c.value for c in cells[1]] == ["'=1+1", -4, "'-4", "plain"]
    assert [c.data_type for c in cells[1]] == ["s", "n", "s", "s"]
    assert (cells["A2"].value, cells["A2"].data_type) == ('\'=HYPERLINK("http://evil")', "s")
    assert cells["A3"].value == "'@cmd"


def test_a_workbook_saved_directly_is_neutralised_too():
    workbook = exports.new_workbook()
    workbook.active.append(["=2*3"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    cell = load_workbook(buffer).active["A1"]
    assert (cell.value, cell.data_type) == ("'=2*3", "s")


_WRITERS = {("csv", "writer"), ("csv", "DictWriter"), ("openpyxl", "Workbook")}


def _direct_writers(path: Path) -> list[str]:
    """Where a module uses csv.writer, csv.DictWriter or openpyxl's Workbook itself."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in _WRITERS
        ):
            found.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            for alias in node.names:
                if (root, alias.name) in _WRITERS or (
                    root == "openpyxl" and alias.name == "Workbook"
                ):
                    found.append(
                        f"{path.name}:{node.lineno} from {node.module} import {alias.name}"
                    )
    return found


def test_every_csv_and_xlsx_writer_goes_through_the_export_helper():
    offenders = {
        str(path.relative_to(SINERGI)): uses
        for path in SINERGI.rglob("*.py")
        if path != HELPER and (uses := _direct_writers(path))
    }
    assert offenders == {}, (
        "Write CSV and XLSX through sinergi.core.exports (csv_writer, csv_dict_writer, "
        "new_workbook), which neutralises formulas"
    )


def test_the_code_check_finds_a_direct_writer(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import csv\nfrom openpyxl import Workbook\nw = csv.writer(f)\nd = csv.DictWriter(f, [])\n"
    )
    assert len(_direct_writers(module)) == 3


@pytest.mark.django_db
def test_the_audit_csv_neutralises_hostile_cells(client_for):
    selong = Facility.objects.get(code="selong")
    AuditEvent.objects.create(
        actor_username="@attacker",
        action="program.create",
        target_type="programs.Program",
        target_id="-1",
        target_repr='=HYPERLINK("http://evil","klik")',
        facility_id=selong.pk,
        request_id="+cmd",
    )
    response = client_for("admin").get("/audit/export.csv?action=program.create")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows[1:] if r[2] == "program.create" and r[1] == "'@attacker")
    header = rows[0]
    assert row[header.index("record_id")] == "'-1"
    assert row[header.index("record")] == '\'=HYPERLINK("http://evil","klik")'
    assert row[header.index("request_id")] == "'+cmd"
