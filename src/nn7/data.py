"""The chapter's data: the book's ``train7.txt``, a loader for files like it, and the
book's preparation steps in the book's order (scale, shuffle once, split 80/20, reshuffle
the training set every epoch, consecutive batches with a short last batch)."""

from __future__ import annotations

import functools
import io
import itertools
import math
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .errors import Nn7Error
from .rng import streams

BOOK_DATA_SHA256 = "6dab7c48e190afd502c21238189a27919b1ddbe99674ff071fe6f71c0a749199"
BOOK_DATA_NAME = "train7.txt"
TRAIN_FRACTION = 0.8
MIN_PER_SET = 2  # R² needs a variance, so each of the two sets needs two samples


def generate_book_data() -> bytes:
    """The bytes of the book's ``train7.txt`` (1000 samples, SHA-256 above)."""
    rs = np.random.RandomState(4)  # the legacy generator: the book's file was made with it
    x = rs.uniform(0, 7, 1000)
    y = np.cos(x) * (-0.1 * x + 1) * (0.1 * x - 1) + 3
    y = y + rs.normal(0, 0.1, 1000)
    out = io.BytesIO()
    # equivalent mutants: %.2F prints the same
    np.savetxt(out, np.column_stack([x, y]), fmt="%.2f", header="year,price(label)")  # pragma: no mutate
    return out.getvalue()


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # not str.splitlines: form feeds etc. must not shift line numbers
_SEPARATOR = re.compile(r"\s*,\s*|\s+")
_SPACED_DECIMAL_COMMA = re.compile(r"[-+]?\d*,\d+(?:[eE][-+]?\d+)?")  # 6,77 between spaces or semicolons
_LEADING_ZERO = re.compile(r"0\d+")  # 3,01: no program writes the number 01


def _columns(n: int) -> str:
    return f"{n} column" if n == 1 else f"{n} columns"


def _looks_like_decimal_commas(line: str) -> bool:
    fields = [f for f in re.split(r"[\s;]+", line) if f]
    if ";" in line or len(fields) > 1:  # separated by spaces or semicolons: a comma inside a number
        return any(_SPACED_DECIMAL_COMMA.fullmatch(f) for f in fields)
    return any(_LEADING_ZERO.fullmatch(c) for c in line.split(",")[1:])  # one field: no space inside


def _number(cell: str) -> float | None:
    if "_" in cell:  # float() would take 1_000
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def parse_samples(text: str, source: str = "<data>") -> np.ndarray:
    """Parse ``text`` (whitespace- or comma-separated numbers, ``#`` comments) into an
    (n, k) float array; the last column is the label, the columns before it are the
    features. Errors name ``source`` and the line. A UTF-8 byte-order mark is skipped;
    decimal commas (``6,77``) and a header line that is not a ``#`` comment are errors that
    say so."""
    if text.startswith("\ufeff"):
        text = text[1:]
    rows: list[list[float]] = []
    width = None
    for lineno, line in enumerate(_LINE_BREAK.split(text), start=1):
        line = line.partition("#")[0].strip()
        if not line:
            continue
        where = f"{source}:{lineno}"
        if _looks_like_decimal_commas(line):
            raise Nn7Error(f"{where}: looks like decimal commas: use '.' as the decimal point")
        cells = _SEPARATOR.split(line)
        numbers = [_number(c) for c in cells]
        if width is None and all(v is None for v in numbers) and any(c.isalpha() for c in line):
            shown = line if len(line) <= 40 else line[:39] + "…"
            raise Nn7Error(f"{where}: looks like a header line ({shown!r}), not numbers: "
                           "start it with '#' to make it a comment, or delete it")
        values = []
        for col, (cell, value) in enumerate(zip(cells, numbers), start=1):
            if not cell:
                raise Nn7Error(f"{where}: column {col} is empty (two commas in a row, or a comma at the end?)")
            if value is None:
                raise Nn7Error(f"{where}: column {col} is not a number: {cell!r}")
            if not math.isfinite(value):
                raise Nn7Error(f"{where}: column {col} is not a finite number: {cell!r}")
            values.append(value)
        if width is None:
            width, first = len(values), lineno
            if width < 2:
                raise Nn7Error(f"{where}: found 1 column; need at least 2 (features, then the label)")
        elif len(values) != width:
            raise Nn7Error(f"{where}: found {_columns(len(values))}, expected {width} as on line {first}")
        rows.append(values)
    if not rows:
        raise Nn7Error(f"{source}: no samples (every line is empty or a # comment)")
    return np.array(rows)  # float64: each value came from float()


def read_samples(path: str | Path) -> np.ndarray:
    """Read a data file (UTF-8, with or without a byte-order mark); see :func:`parse_samples`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise Nn7Error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise Nn7Error(f"{path}: is a directory, not a data file") from None
    except PermissionError:
        raise Nn7Error(f"{path}: cannot read it: permission denied") from None
    except OSError as err:
        raise Nn7Error(f"{path}: cannot read it ({err.strerror or err})") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Nn7Error(f"{path}: is UTF-16 text; save it as UTF-8")
    try:
        text = raw.decode("utf-8")  # pragma: no mutate - codec names ignore case
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise Nn7Error(f"{path}:{line}: not a UTF-8 text file ({err.reason} at byte {err.start})") from None
    return parse_samples(text, str(path))


@functools.lru_cache(maxsize=1)
def _book_samples() -> np.ndarray:
    return parse_samples(generate_book_data().decode("ascii"), BOOK_DATA_NAME)


def book_samples() -> np.ndarray:
    """The book's 1000 samples as a (1000, 2) array (a fresh copy)."""
    return _book_samples().copy()


def split_sizes(n: int) -> tuple[int, int]:
    """(training, validation) sizes of ``n`` samples: the first 80 % train, the rest validate."""
    n_train = int(n * TRAIN_FRACTION)
    return n_train, n - n_train


def fewest_samples() -> int:
    """The fewest samples whose split leaves MIN_PER_SET in each set (6)."""
    return next(n for n in itertools.count(MIN_PER_SET) if min(split_sizes(n)) >= MIN_PER_SET)


def book_split() -> tuple[int, int]:
    """(training, validation) sizes of the book's data: (800, 200)."""
    return split_sizes(len(_book_samples()))


class MinMaxScaler:
    """Column-wise min-max scaling to [0, 1], with its inverse."""

    def __init__(self, low: np.ndarray, high: np.ndarray):
        self.low = np.asarray(low, dtype=np.float64)
        self.high = np.asarray(high, dtype=np.float64)

    @classmethod
    def fit(cls, a: np.ndarray, names: list[str], source: str) -> "MinMaxScaler":
        low, high = a.min(axis=0), a.max(axis=0)
        for name, lo, hi in zip(names, low, high):
            if not hi > lo:
                raise Nn7Error(f"{source}: {name} is constant ({lo:g}); min-max scaling needs min < max")
        return cls(low, high)

    def scale(self, a) -> np.ndarray:
        return (np.asarray(a) - self.low) / (self.high - self.low)  # float64, as low and high are

    def unscale(self, a) -> np.ndarray:
        return np.asarray(a) * (self.high - self.low) + self.low


class DataLoader:
    """The book's ``DataLoader_7``: holds the scaled, shuffled and split samples.

    ``rng`` drives the one shuffle and every epoch's reshuffle; pass the run's
    ``streams(seed).data`` (or ``seed=``, which does exactly that).
    """

    def __init__(self, samples: np.ndarray, *, rng: np.random.Generator | None = None,
                 seed: int | None = None, source: str = "<array>"):
        if (rng is None) == (seed is None):
            raise TypeError("pass exactly one of rng= and seed=")
        self.rng = rng if rng is not None else streams(seed).data
        # equivalent mutants: without dtype, the scalers still compute in float64
        samples = np.asarray(samples, dtype=np.float64)  # pragma: no mutate
        if samples.ndim != 2 or samples.shape[1] < 2:
            raise Nn7Error(f"{source}: need a 2-D table with at least 2 columns (features, then the label)")
        if not np.isfinite(samples).all():
            raise Nn7Error(f"{source}: contains NaN or infinite values")
        n = samples.shape[0]
        n_train, n_val = split_sizes(n)
        if min(n_train, n_val) < MIN_PER_SET:
            raise Nn7Error(
                f"{source}: {n} samples are too few for an 80/20 train/validation split "
                f"(need at least {MIN_PER_SET} in each set, i.e. {fewest_samples()} samples)"
            )
        d = samples.shape[1] - 1
        names = ["x" if d == 1 else f"feature column {i + 1}" for i in range(d)] + ["the label (last column)"]
        # 1. min-max scaling over the whole set, kept for un-scaling
        self.x_scaler = MinMaxScaler.fit(samples[:, :d], names[:d], source)
        self.y_scaler = MinMaxScaler.fit(samples[:, d:], names[d:], source)
        x, y = self.x_scaler.scale(samples[:, :d]), self.y_scaler.scale(samples[:, d:])
        # 2. one shuffle
        order = self.rng.permutation(n)
        x, y = x[order], y[order]
        # 3. the first 80 % train, the rest validation
        self.train_x, self.train_y = x[:n_train], y[:n_train]
        self.val_x, self.val_y = x[n_train:], y[n_train:]
        for name, part in (("training", self.train_y), ("validation", self.val_y)):
            if np.ptp(part) == 0:
                raise Nn7Error(f"{source}: every label in the {name} set is equal; R² is undefined")
        self.source = source

    @classmethod
    def from_file(cls, path: str | Path, **kw) -> "DataLoader":
        return cls(read_samples(path), source=str(path), **kw)

    @classmethod
    def from_arrays(cls, x, y, **kw) -> "DataLoader":
        x = np.asarray(x)
        x = x.reshape(len(x), -1)  # pragma: no mutate - NumPy takes any negative size as "the rest"
        y = np.asarray(y).reshape(len(x), 1)
        return cls(np.hstack([x, y]), **kw)  # the loader makes it float64

    @classmethod
    def book(cls, **kw) -> "DataLoader":
        return cls(_book_samples(), source=BOOK_DATA_NAME, **kw)

    @property
    def num_features(self) -> int:
        return self.train_x.shape[1]

    @property
    def num_train(self) -> int:
        return self.train_x.shape[0]

    def epoch_order(self) -> np.ndarray:
        """This epoch's order of the training set (one reshuffle)."""
        return self.rng.permutation(self.num_train)

    def epoch_batches(self, batch_size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Reshuffle the training set, then yield consecutive batches (the last may be short)."""
        order = self.epoch_order()
        x, y = self.train_x[order], self.train_y[order]
        for start in range(0, self.num_train, batch_size):
            yield x[start:start + batch_size], y[start:start + batch_size]


DataLoader_7 = DataLoader  # the name the book's text uses


def pick_samples(wanted, samples: np.ndarray | None = None) -> np.ndarray:
    """For each (x or None, y), the first sample of the book data (file order) that has that
    label (and that x); an (k, 2) array in original units."""
    table = book_samples() if samples is None else samples
    rows = []
    for x, y in wanted:
        hit = np.isclose(table[:, -1], y) & (True if x is None else np.isclose(table[:, 0], x))
        if not hit.any():
            raise ValueError(f"no sample with x={x}, y={y} in the book data")
        rows.append(table[np.argmax(hit)])
    return np.array(rows)


def book_scalers():
    """The book data's x and y scalers: DataLoader.book's (min-max over the whole file, so
    they do not depend on the shuffle)."""
    loader = DataLoader.book(seed=0)  # pragma: no mutate - any seed: the scalers span the whole file
    return loader.x_scaler, loader.y_scaler
