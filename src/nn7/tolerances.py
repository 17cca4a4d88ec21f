"""How close two computations of the same thing must be. Each tolerance is stated here once;
the tests, the benchmarks and the build import it."""

FAST_PATH = 1e-12  # nn7.train (folded, in place) vs the formula-by-formula NumPy reference
BATCHED = 1e-10  # nn7.batched vs single runs (sums over a batch are taken in another order)
LAB = 1e-9  # the browser lab's JavaScript engine vs nn7 (parameters after training)
BOOK_PRINT = 1.5e-4  # a fresh trace vs the book's printout, which truncates to 4 decimals
