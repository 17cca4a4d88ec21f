"""What the printed book shows in section 7.7, for comparison with fresh runs.

These are the book's printed numbers (the site recomputes every one of them; the tests and
the errata compare the two). The book truncates to 4 decimals in the traces.
"""

from __future__ import annotations

# The two single-sample traces of the text: iteration -> name -> printed value.
# Each trace starts from its case's initialisation, with lr 0.1, on samples whose labels
# are the ones given (x only where it matters: W1 = 0 makes x irrelevant in step 1).
TRACES = {
    "case1": {
        "samples": ((None, 2.89), (None, 2.36)),
        "steps": [
            {"Z1": [[0, 0]], "A1": [[0, 0]], "Z2": [[0]], "dZ2": [[-0.5459]], "dA1": [[0, 0]],
             "dZ1": [[0, 0]], "W1": [[0, 0]], "B1": [[0, 0]], "dW1": [[0, 0]], "dB1": [[0, 0]],
             "W2": [[0], [0]], "B2": [[0.05459]], "dW2": [[0], [0]], "dB2": [[-0.5459]]},
            {"Z1": [[0, 0]], "A1": [[0, 0]], "Z2": [[0.05459459]], "dZ2": [[-0.20486486]],
             "dA1": [[0, 0]], "dZ1": [[0, 0]], "W1": [[0, 0]], "B1": [[0, 0]], "dW1": [[0, 0]],
             "dB1": [[0, 0]], "W2": [[0], [0]], "B2": [[0.07508108]], "dW2": [[0], [0]],
             "dB2": [[-0.20486486]]},
        ],
        # its one slip that is not a number (B2 printed where B1 belongs, iteration 1) is
        # described on the page, docs/ch7/7.7.md
    },
    "case2": {
        "samples": ((None, 2.85), (0.45, 2.19)),
        "steps": [
            {"Z1": [[1, 1]], "A1": [[0.7615, 0.7615]], "Z2": [[1]], "dZ2": [[0.4756]],
             "dA1": [[0, 0]], "dZ1": [[0, 0]], "W1": [[0, 0]], "B1": [[1, 1]], "dW1": [[0, 0]],
             "dB1": [[0, 0]], "W2": [[-0.0362], [-0.0362]], "B2": [[0.9524]],
             "dW2": [[0.3622], [0.3622]], "dB2": [[0.4756]]},
            {"Z1": [[1, 1]], "A1": [[0.7615, 0.7615]], "Z2": [[0.8972]], "dZ2": [[0.7296]],
             "dA1": [[-0.0264, -0.0264]], "dZ1": [[-0.0111, -0.0111]], "W1": [[0.0007, 0.0007]],
             "B1": [[1.001, 1.001]], "dW1": [[-0.0007, -0.0007]], "dB1": [[-0.0111, -0.0111]],
             "W2": [[-0.0917], [-0.0917]], "B2": [[0.879464]], "dW2": [[0.5557], [0.5557]],
             "dB2": [[0.7296]]},
        ],
        # its one numeric slip (W1 in iteration 2) is found by comparison
    },
}

# The last two log lines of each case as printed: (train loss, train accu, val loss, val accu).
LOG_TAILS = {
    "case1": [(0.022775, 0.4999, 0.023822, 0.4992), (0.022787, 0.4996, 0.023853, 0.4985)],
    "case2": [(0.010238, 0.7807, 0.011466, 0.7333), (0.010244, 0.7805, 0.011418, 0.7344)],
    "case3": [(0.002289, 0.9501, 0.002755, 0.9403), (0.002254, 0.9508, 0.002720, 0.9410)],
}
