"""geo.core.csvfile: the one CSV writer, its formula guard, and the guard taken off on reading."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from geo.core.csvfile import neutralise, restore, write_csv
from tests.export_data import evaluable

# Text made of what matters here: apostrophes, triggers, digits, separators, line breaks.
cells = st.text(alphabet="'=+-@\t\r\n;\"0123,.aé ", max_size=12)


@given(cells)
def test_the_guard_round_trips_and_leaves_nothing_to_evaluate(text):
    written = neutralise(text)
    assert restore(written) == text
    assert not evaluable(written)


@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=5))
def test_a_published_table_reads_back_as_written(rows):
    table = pd.DataFrame(rows, columns=["nom", "=note"])
    text = write_csv(table, line_end="\n")
    read = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [[restore(c) for c in row] for row in read] == [["nom", "=note"], *map(list, rows)]
    assert not any(evaluable(c) for row in read for c in row)


def test_numbers_stay_numbers_and_notes_follow_an_empty_line():
    table = pd.DataFrame({"nom": ["-2+3", "Brest"], "part": [-3.5, 57.25]})
    text = write_csv(table, decimal=",", notes=["=règle"])
    assert text == "nom;part\r\n'-2+3;-3,5\r\nBrest;57,25\r\n\r\n\"'=règle\"\r\n"
    assert neutralise("-12") == "-12" and restore("'-12") == "'-12"
    assert neutralise("'=x") == "''=x" and restore("''=x") == "'=x"
