"""Property-based tests of the readers (hypothesis): random bytes, valid tables, damaged tables.

- any bytes at all: a French :class:`ImportFileError` naming the file, or a
  report that adds up — never another exception;
- a valid table written in any French spreadsheet habit (separator, encoding,
  BOM, quoting, line ends, header spelling, XLSX) reads back to exactly its
  memberships;
- the same table with random damage (stray quote, NUL, lost lines, repeated
  lines, garbage lines, blank lines, a cut at the end) never yields a commune
  that was not in it, and every message names the file and a line of it.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from geo.importers.bounded import GZIP_MAGIC, ZIP_MAGIC, ImportFileError
from geo.importers.memberships import read_memberships
from geo.importers.registry_file import load_registry

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def samples(reference, registry):
    communes = reference.communes["insee"]
    codes = sorted(set(communes.iloc[::173]) | {"01001", "2A004", "2B033", "97411", "75056"})
    return codes, sorted(registry["id"])[:12]


def check_report(result, name: str, lines: int | None = None) -> None:
    report = result.report
    assert report.rows == report.accepted + report.rejected + report.duplicates + report.blank
    kept = result.operators if result.operators is not None else result.memberships
    assert len(kept) == report.accepted
    for issue in report.issues:
        assert issue["message"].startswith(f"{name}, ligne {issue['line']}")
        if lines is not None:
            assert 1 <= issue["line"] <= lines


def attempt(reference, registry, name: str, data: bytes):
    try:
        return read_memberships(name, reference, registry, content=data)
    except ImportFileError as error:
        message = str(error)
        assert message.startswith(name), message
        assert len(message) > len(name) + 10
        return None


# ------------------------------------------------------------------ any bytes


PREFIXES = [
    b"",
    GZIP_MAGIC,
    ZIP_MAGIC,
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"insee;opsn\n",
    b"\xd0\xcf\x11\xe0",
]


@SETTINGS
@given(prefix=st.sampled_from(PREFIXES), tail=st.binary(max_size=2000))
def test_any_bytes_give_a_french_refusal_or_a_report(reference, registry, prefix, tail):
    result = attempt(reference, registry, "hasard.csv", prefix + tail)
    if result is not None:
        check_report(result, "hasard.csv")


# ------------------------------------------------------------------ valid tables

HEADERS = {
    "insee": ["insee", "Code INSEE", "CODE_COMMUNE", "N° INSEE", "codgeo", "Code commune INSEE"],
    "opsn": ["opsn", "OPSN", "Opérateur", "operateur", "OPÉRATEUR"],
    "nom": ["nom", "Nom de la commune", "Commune", "Libellé"],
}


@st.composite
def tables(draw, samples):
    codes, operators = samples
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(codes), st.sampled_from(operators)),
            min_size=1,
            max_size=25,
            unique=True,
        )
    )
    header = [draw(st.sampled_from(HEADERS[role])) for role in ("insee", "nom", "opsn")]
    order = draw(st.permutations([0, 1, 2]))
    return rows, header, order


def write_csv(rows, header, order, separator, encoding, quoting, line_end, lost_zeros) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, quoting=quoting, lineterminator=line_end)
    writer.writerow([header[i] for i in order])
    for code, operator in rows:
        shown = code[1:] if lost_zeros and code.startswith("0") else code
        cells = [shown, "Commune d'essai", operator]
        writer.writerow([cells[i] for i in order])
    text = out.getvalue()
    prefix = b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b""
    return prefix + text.encode("cp1252" if encoding == "cp1252" else "utf-8")


@st.composite
def csv_files(draw, samples):
    rows, header, order = draw(tables(samples))
    data = write_csv(
        rows,
        header,
        order,
        draw(st.sampled_from([";", ",", "\t"])),
        draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        draw(st.sampled_from(["\n", "\r\n", "\r"])),
        draw(st.booleans()),
    )
    return rows, data


def pairs(result) -> set[tuple[str, str]]:
    frame = result.memberships
    return set(zip(frame["opsn"], frame["insee"], strict=True))


@SETTINGS
@given(data=st.data())
def test_valid_tables_read_back_exactly(reference, registry, samples, data):
    rows, content = data.draw(csv_files(samples))
    result = read_memberships("liste.csv", reference, registry, content=content)
    check_report(result, "liste.csv")
    assert result.report.rejected == 0 and result.report.accepted == len(rows)
    assert pairs(result) == {(operator, code) for code, operator in rows}
    assert list(result.memberships["ligne"]) == list(range(2, len(rows) + 2))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_workbooks_read_back_exactly(reference, registry, samples, data):
    rows, header, order = data.draw(tables(samples))
    title_lines = data.draw(st.integers(0, 3))
    book = openpyxl.Workbook()
    sheet = book.active
    for index in range(title_lines):
        sheet.append([f"Titre {index}"])
    sheet.append([header[i] for i in order])
    for code, operator in rows:
        cells = [int(code) if code.isdigit() else code, "Commune", operator]
        sheet.append([cells[i] for i in order])
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_memberships("liste.xlsx", reference, registry, content=buffer.getvalue())
    check_report(result, "liste.xlsx")
    assert pairs(result) == {(operator, code) for code, operator in rows}


# ------------------------------------------------------------------ damaged tables


def damage(content: bytes, kind: str, where: float, garbage: bytes) -> bytes:
    lines = content.splitlines(keepends=True)
    if not lines:
        return content
    at = min(int(where * len(lines)), len(lines) - 1)
    if kind == "quote":
        position = int(where * len(content))
        return content[:position] + b'"' + content[position:]
    if kind == "nul":
        position = int(where * len(content))
        return content[:position] + b"\x00" + content[position:]
    if kind == "lose":
        return b"".join(lines[:at] + lines[at + 1 :])
    if kind == "repeat":
        return b"".join(lines[: at + 1] + lines[at:])
    if kind == "garbage":
        return b"".join([*lines[:at], garbage.replace(b"\n", b" ") + b"\n", *lines[at:]])
    if kind == "blank":
        return b"".join([*lines[:at], b"\n\n", *lines[at:]])
    if kind == "cut":
        return b"".join(lines[:at]) + lines[at][: len(lines[at]) // 3]
    raise AssertionError(kind)


@SETTINGS
@given(
    data=st.data(),
    kinds=st.lists(
        st.sampled_from(["quote", "nul", "lose", "repeat", "garbage", "blank", "cut"]),
        min_size=1,
        max_size=3,
    ),
    where=st.floats(0, 1),
    garbage=st.binary(max_size=80),
)
def test_damaged_tables_never_invent_a_commune(
    reference, registry, samples, data, kinds, where, garbage
):
    rows, content = data.draw(csv_files(samples))
    for kind in kinds:
        content = damage(content, kind, where, garbage)
    assume(content)
    result = attempt(reference, registry, "abime.csv", content)
    if result is None:
        return
    physical_lines = len(content.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"))
    check_report(result, "abime.csv", physical_lines)
    originals = {code for code, _ in rows}
    frame = result.memberships
    invented = frame[~frame["insee"].isin(originals) & (frame["insee"] != "")]
    said = {issue["line"] for issue in result.report.issues}
    noted = " ".join(result.report.notes)
    for code, line in zip(invented["insee"], invented["ligne"], strict=True):
        if "garbage" in kinds and code.encode() in garbage:
            continue  # random bytes that happen to spell a real code: it is then real
        # a commune not in the table is never silent: its line says why (a code
        # restored from a cut last line, for instance)
        assert line in said or f"ligne {line}," in noted, (code, line, result.report.text())
