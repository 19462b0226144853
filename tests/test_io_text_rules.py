"""The one set of text rules every reader uses (lpt.io.text): a table written in any
delimiter and either decimal mark reads back to the numbers written, by the cell
parser, the column parser and the table parser alike."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from lpt.io import text

FINITE = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-12)


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.lists(FINITE, min_size=3, max_size=3), min_size=2, max_size=30),
       delimiter=st.sampled_from(["\t", ";", ","]), comma=st.booleans())
def test_a_table_reads_back_the_numbers_written_in_any_dialect(rows, delimiter, comma):
    comma = comma and delimiter != ","           # a comma cannot be both delimiter and decimal mark
    cells = [[repr(v).replace(".", ",") if comma else repr(v) for v in row] for row in rows]
    lines = [delimiter.join(row) for row in cells]
    assert text.delimiter_of(lines) == delimiter
    written_comma = comma and any("," in c for row in cells for c in row)
    assert text.decimal_comma(lines, delimiter) == written_comma
    table = text.numeric_table(lines, 1, "t.csv", delimiter=delimiter, comma=written_comma, columns=["a", "b", "c"])
    np.testing.assert_array_equal(table.to_numpy(), np.array(rows))
    for row, row_cells in zip(rows, cells):
        assert [text.to_float(c, "t.csv", 1, written_comma) for c in row_cells] == row
    column = pd.Series([row_cells[0] for row_cells in cells], dtype=object)
    np.testing.assert_array_equal(text.numbers(column, "t.csv", "a"), [row[0] for row in rows])


def test_durations_read_as_seconds_whatever_the_day_marker():
    cells = pd.Series(["0d 00:00:05.05", "1d 02:03:04", "3 days, 00:00:01", "12:00:00", "not a time"])
    seconds = text.durations_s(cells, "m.txt", "TestTime")
    np.testing.assert_allclose(seconds[:4], [5.05, 86400 + 7384, 3 * 86400 + 1, 43200], rtol=1e-15)
    assert np.isnan(seconds[4])
