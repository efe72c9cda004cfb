"""CSV reading: the checks every dnnsim CSV goes through before it is trusted.

`read_contract_csv` opens a CSV written by dnnsim, checks that its header holds every
column of the contract (extra columns are allowed: formats are extended, never broken),
skips repeated header lines (so `cat a.csv b.csv` still reads; a header with other
optional columns, from another version, applies to the rows after it) and yields each
data row with its line number. `CsvField`'s getters turn one field into a typed value
within the bounds the contract allows (counts from 1 to 2^40, finite non-negative times
and bytes, positive multipliers) or raise an `AnalysisError` naming the file, the line
and the column: a zero P or a missing time must stop the reader, not a division in a
figure.
"""

import csv
import math
from collections.abc import Iterator, Sequence

from analysis.errors import AnalysisError, require_input_file

MAX_COUNT = 2**40  # the largest count dnnsim reads or writes (sim/common/bounds.hpp)


class CsvField:
    """Parses the fields of one row, naming the file, line and column on a bad value."""

    def __init__(self, path: str, line: int, row: dict[str, str]):
        self.path = path
        self.line = line
        self.row = row

    def _fail(self, column: str, expected: str) -> AnalysisError:
        return AnalysisError(f"{self.path}:{self.line}: column {column}: expected {expected}, "
                             f"got '{self.row[column]}'")

    def text(self, column: str) -> str:
        return self.row[column].strip()

    def name(self, column: str) -> str:
        """A name that identifies the row (workload, layer, ...): never empty."""
        value = self.text(column)
        if not value:
            raise self._fail(column, "a name")
        return value

    def count(self, column: str) -> int:
        """A count of samples or processes: an integer from 1 to 2^40."""
        try:
            value = int(self.text(column))
        except ValueError:
            value = 0
        if not 1 <= value <= MAX_COUNT:
            raise self._fail(column, "an integer from 1 to 2^40")
        return value

    def number(self, column: str, positive: bool = False) -> float:
        """A finite number, at least 0 (a time, bytes) or, if `positive`, above 0."""
        try:
            value = float(self.text(column))
        except ValueError:
            raise self._fail(column, "a number") from None
        if not math.isfinite(value):
            raise self._fail(column, "a finite number")
        if value < 0 or (positive and value == 0):
            raise self._fail(column, "a positive number" if positive else "a number >= 0")
        return value

    def scale_or_one(self, column: str) -> float:
        """A what-if multiplier a later dnnsim added as a column: 1 when the file has none."""
        return self.number(column, positive=True) if column in self.row else 1.0

    def count_or_one(self, column: str) -> int:
        """A count a later dnnsim added as a column (pipeline stages): 1 when the file has none."""
        return self.count(column) if column in self.row else 1

    def optional_number(self, column: str, positive: bool = False) -> float | None:
        """A number, or None for an empty field."""
        return None if self.text(column) == "" else self.number(column, positive)

    def boolean(self, column: str) -> bool:
        value = self.text(column).lower()
        if value in ("true", "1"):
            return True
        if value in ("false", "0", ""):
            return False
        raise self._fail(column, "true or false")


def _is_header(fields: list[str], columns: Sequence[str]) -> bool:
    """A line naming every column of the contract, once each: no data row does."""
    return len(set(fields)) == len(fields) and all(name in fields for name in columns)


def read_contract_csv(path: str, columns: Sequence[str], kind: str) -> Iterator[CsvField]:
    """Yields a `CsvField` per data row of `path`, a `kind` CSV that must hold `columns`."""
    require_input_file(path, f"{kind} CSV")
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as error:
        raise AnalysisError(f"{path}: cannot read the {kind} CSV: {error.strerror}") from error
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise AnalysisError(f"{path}: empty file, expected a {kind} CSV with the header "
                                    f"{','.join(columns)}")
            header = [name.strip() for name in header]
            missing = [name for name in columns if name not in header]
            if missing:
                raise AnalysisError(f"{path}:1: not a {kind} CSV: the header lacks "
                                    f"{', '.join(missing)} (expected {','.join(columns)})")
            for fields in reader:
                if not fields or all(not f.strip() for f in fields):
                    continue
                stripped = [f.strip() for f in fields]
                if stripped == header:
                    continue  # a repeated header: several outputs concatenated
                if _is_header(stripped, columns):
                    header = stripped  # the output of a version with other optional columns
                    continue
                if len(fields) != len(header):
                    raise AnalysisError(f"{path}:{reader.line_num}: {len(fields)} fields, the "
                                        f"header has {len(header)}")
                yield CsvField(path, reader.line_num, dict(zip(header, fields)))
        except csv.Error as error:
            raise AnalysisError(f"{path}:{reader.line_num}: malformed CSV: {error}") from error
        except UnicodeDecodeError as error:
            raise AnalysisError(f"{path}: not a UTF-8 text file ({error.reason})") from error
