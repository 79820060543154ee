"""Settings of the fuzz suite (issue #13): few examples in CI, more on request.

``RISKDESK_FUZZ_EXAMPLES=N`` runs N examples per test (default 12) with a random seed;
without it the examples are derandomised, so CI draws the same cases every run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("RISKDESK_FUZZ_EXAMPLES", "0") or 0)

FUZZ = settings(
    max_examples=EXAMPLES or 12,
    derandomize=not EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
