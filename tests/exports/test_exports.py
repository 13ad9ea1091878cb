"""CSV exports for French Excel: BOM, ``;``, decimal comma, rule and credits below the table."""

from __future__ import annotations

import csv
import io

import pandas as pd

from geo.core.stats import CREDITS
from geo.exports import csv_bytes

RULE = (
    "Règle : part de la population municipale (populations légales 2023) vivant dans une "
    "commune adhérente à un OPSN — France (métropole et DROM)"
)


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Code": ["38", "2A", "974"],
            "Nom": ["Isère", "Corse-du-Sud", 'La "Réunion"; outre-mer'],
            "Population": [1_290_000, 160_000, 880_000],
            "Part couverte (%)": [66.7, 100.0, 0.5],
        }
    )


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_utf8_with_bom_semicolons_and_crlf():
    data = csv_bytes(table(), [RULE])
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Isère".encode() in data  # UTF-8, not cp1252
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Code;Nom;Population;Part couverte (%)"
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")


def test_decimal_comma_and_codes_kept_as_text():
    parsed = rows(csv_bytes(table(), [RULE]))
    assert parsed[1] == ["38", "Isère", "1290000", "66,7"]
    assert parsed[2] == ["2A", "Corse-du-Sud", "160000", "100,0"]
    assert parsed[3][3] == "0,5"
    # A name holding ';' and '"' stays one cell.
    assert parsed[3][1] == 'La "Réunion"; outre-mer'


def test_rule_and_credits_follow_the_table_after_an_empty_line():
    notes = [RULE, 'Données : fichiers importés : "liste;1".csv']
    parsed = rows(csv_bytes(table(), notes))
    assert parsed[4] == []  # the table ends, then an empty line
    assert parsed[5:] == [[RULE], [notes[1]], [CREDITS]]
    assert "Licence Ouverte" in CREDITS and "INSEE" in CREDITS


def test_french_excel_reads_the_table_back():
    data = csv_bytes(table(), [RULE])
    back = pd.read_csv(
        io.BytesIO(data),
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype={"Code": str},
        nrows=len(table()),
    )
    pd.testing.assert_frame_equal(back, table())


def test_credits_even_without_notes():
    parsed = rows(csv_bytes(table()))
    assert parsed[-1] == [CREDITS]
    assert parsed[-2] == []
