"""When a failed delivery is tried again, and when a backend is left alone."""

import pytest

from blocking.sync.backoff import circuit_cooldown, retry_delay


@pytest.mark.parametrize(
    ("attempts", "expected_low", "expected_high"),
    [(1, 0.5, 1.0), (2, 1.0, 2.0), (3, 2.0, 4.0), (6, 16.0, 32.0), (20, 150.0, 300.0)],
)
def test_retry_delay_doubles_within_jitter_until_cap(attempts, expected_low, expected_high):
    low = retry_delay(attempts=attempts, base=1, cap=300, rand=lambda: 0.0)
    high = retry_delay(attempts=attempts, base=1, cap=300, rand=lambda: 1.0)
    assert (low, high) == (expected_low, expected_high)


def test_retry_delay_honours_retry_after_above_backoff():
    assert retry_delay(attempts=1, base=1, cap=300, retry_after=30, rand=lambda: 1.0) == 30


def test_retry_delay_keeps_backoff_above_short_retry_after():
    assert retry_delay(attempts=4, base=1, cap=300, retry_after=1, rand=lambda: 0.0) == 4.0


@pytest.mark.parametrize(
    ("failures", "expected"), [(0, None), (4, None), (5, 5.0), (6, 10.0), (7, 20.0), (9, 30.0)]
)
def test_circuit_cooldown_opens_at_threshold_and_doubles_to_cap(failures, expected):
    assert circuit_cooldown(failures=failures, threshold=5, base=5, cap=30) == expected
