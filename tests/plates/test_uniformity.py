"""二十选一 draws cover the whole pool uniformly: a chi-square goodness-of-fit test.

Set-up: a pool of 101 numbers (浙B·A0000–A0099 and 浙B·A0100), one case drawing ``DRAWS`` times. Each new
draw returns the previous draw's twenty numbers to the pool before it samples, so every
draw sees all 101 numbers free; the test counts how often each number is offered.

The statistic. A draw offers k = 20 distinct numbers of n = 101, so per draw each number is
offered with probability p = k/n, and two numbers' indicators have covariance
−p(1−p)/(n−1) (sampling without replacement). Over D independent draws the count vector c
has covariance D·p(1−p)·n/(n−1)·(I − J/n), so

    T = Σ (c_j − D·p)² / (D·p) × (n − 1) / (n·(1 − p))

is asymptotically χ² with n − 1 = 100 degrees of freedom under uniformity (the plain
Pearson sum, without the factor, would be χ²·(1 − p)·n/(n−1) and make the test too lenient).
With D = 1,000 each number's expected count is ≈ 198, far above the usual "≥ 5" rule.

False-alarm rate: the test fails when T exceeds the upper 0.1% point of χ²(100), so a fair
draw would fail it with probability alpha = 0.001. The critical value is
``scipy.stats.chi2.ppf(0.999, 100)`` when scipy is installed, else 149.449 — the value for
100 degrees of freedom and upper-tail probability 0.001 in NIST/SEMATECH e-Handbook of
Statistical Methods, §1.3.6.7.4 "Critical Values of the Chi-Square Distribution" (the same
value scipy gives, to three decimals).

Reproducibility: the draw's seed is an HMAC of the day's secret seed (``secrets``) and the
draw's id (ADR 0014); the test replaces it with ``random.Random(SEED).randbytes``, and the pool starts the same every time, so the
whole sequence of draws — hence T — is deterministic: this test either always passes or
always fails for a given code base. The 0.1% is the chance that a fair sampler would have
produced a failing sequence for an arbitrary seed; it is not a flake rate.

Power (negative controls): the same statistic at the same alpha must reject samplers with
the biases a plausible implementation could have — the slot taken from one random byte
(modulo bias), and "an indexed random key, take the next key above a random point" (each
number's chance is the gap below its key) — run through the same service with only the
slot stream replaced. If those passed, a pass of the real draw would mean nothing.
"""

from __future__ import annotations

import bisect
import hashlib
import random
from collections import Counter

import pytest

from cheguan.plates import services
from cheguan.plates.models import Draw, PlateNumber
from cheguan.plates.services import draw as draw_module

# Committed draws: inside one test transaction PostgreSQL keeps every version of the 101
# rows that 1,000 draws rewrite (nothing can be pruned), and each draw slows the next.
pytestmark = pytest.mark.django_db(transaction=True)

SEED = 20260511
# Segments are boxes (A0000–A0099 is 100 serials), so 101 numbers are two releases.
SEGMENTS, POOL_SIZE = [("A0000", "A0099"), ("A0100", "A0100")], 101
DRAW_SIZE = 20
DRAWS = 1000
CONTROL_DRAWS = 300  # the biased samplers fail with far fewer draws than the real test uses
ALPHA = 0.001
DEGREES_OF_FREEDOM = POOL_SIZE - 1
# NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.4, df = 100, upper tail 0.001.
TABLE_CRITICAL_VALUE = 149.449


def critical_value() -> float:
    try:
        from scipy.stats import chi2
    except ImportError:
        return TABLE_CRITICAL_VALUE
    return float(chi2.ppf(1 - ALPHA, DEGREES_OF_FREEDOM))


def chi_square(counts: Counter, numbers: list[str], draws: int) -> float:
    """T above: Pearson's sum scaled for k-of-n sampling without replacement."""
    n = len(numbers)
    p = DRAW_SIZE / n
    expected = draws * p
    pearson = sum((counts[number] - expected) ** 2 for number in numbers) / expected
    return pearson * (n - 1) / (n * (1 - p))


@pytest.fixture
def pool(plates, settings, monkeypatch):
    """101 free numbers, one case allowed any number of draws, seeds from a fixed PRNG."""
    settings.CHEGUAN_PLATES = {"DRAWS_PER_CASE": DRAWS + 1, "DRAW_SIZE": DRAW_SIZE}
    stream = random.Random(SEED)
    monkeypatch.setattr(
        "cheguan.plates.rules.draw_seed", lambda _secret, _identity: stream.randbytes(32)
    )
    for first, last in SEGMENTS:
        plates.release(first=first, last=last)
    numbers = list(PlateNumber.objects.order_by("slot").values_list("number", flat=True))
    assert len(numbers) == POOL_SIZE
    return plates, numbers


def offer_counts(plates, draws: int) -> Counter:
    case = plates.case()
    counts: Counter = Counter()
    for _ in range(draws):
        result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
        # the previous draw's numbers went back first: every draw saw the whole pool free
        assert len(result.numbers) == DRAW_SIZE == len(set(result.numbers))
        counts.update(result.numbers)
    return counts


def test_draws_offer_every_number_of_the_pool_equally_often(pool):
    plates, numbers = pool

    counts = offer_counts(plates, DRAWS)

    # The seed really is the fixed PRNG's: the outcome below is deterministic.
    first = Draw.objects.order_by("pk").first()
    assert first.seed == random.Random(SEED).randbytes(32).hex()
    assert sum(counts.values()) == DRAWS * DRAW_SIZE
    assert set(counts) == set(numbers)  # not "the first 20", not a window: all 101 come up
    statistic = chi_square(counts, numbers, DRAWS)
    assert statistic < critical_value(), (
        f"T = {statistic:.1f} ≥ {critical_value():.3f} (χ², {DEGREES_OF_FREEDOM} df, "
        f"alpha {ALPHA}): the draw favours some numbers; counts {counts.most_common(5)} … "
        f"{counts.most_common()[-5:]}"
    )


def _one_byte_stream(seed: bytes, size: int):
    """Modulo bias: the slot from a single random byte. For 101 slots, 256 = 2 × 101 + 54, so
    slots 1–54 come up 3 times in 256 and slots 55–101 twice."""
    i = 0
    while True:
        yield 1 + hashlib.sha256(seed + i.to_bytes(8, "big")).digest()[0] % size
        i += 1


def _random_key_stream(seed: bytes, size: int):
    """The "indexed random key" sampler: each slot has a fixed random key in [0, 1); a draw
    takes the first key at or above a uniform random point (wrapping round). A slot's chance
    is the gap below its key, and random gaps are far from equal."""
    keys = sorted((random.Random(f"keys:{slot}").random(), slot) for slot in range(1, size + 1))
    points = [key for key, _slot in keys]
    stream = random.Random(seed)
    while True:
        at = bisect.bisect_left(points, stream.random()) % size
        yield keys[at][1]


@pytest.mark.parametrize(
    "biased_stream", [_one_byte_stream, _random_key_stream], ids=["modulo-bias", "random-key-gaps"]
)
def test_the_same_chi_square_rejects_a_biased_sampler(pool, monkeypatch, biased_stream):
    """Negative control: the statistic has power against the biases a draw could have."""
    plates, numbers = pool
    monkeypatch.setattr(draw_module, "slot_stream", biased_stream)

    counts = offer_counts(plates, CONTROL_DRAWS)

    statistic = chi_square(counts, numbers, CONTROL_DRAWS)
    assert statistic > critical_value(), f"T = {statistic:.1f}: the biased sampler passed"


def test_the_first_free_numbers_by_slot_fail_it_too(pool, monkeypatch):
    """The crudest unfair draw — always the first twenty free numbers — fails at once."""
    plates, numbers = pool
    monkeypatch.setattr(draw_module, "slot_stream", lambda seed, size: iter(range(1, size + 1)))

    counts = offer_counts(plates, 20)

    assert set(counts) == set(numbers[:DRAW_SIZE])
    assert chi_square(counts, numbers, 20) > critical_value()
