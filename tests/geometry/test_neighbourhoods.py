"""The neighbourhoods count rules read: their weights, and the counts around every cell."""

import numpy as np
import pytest

from lifelab.geometry import COUNT_SHAPES, NAMED_SHAPES, Neighbourhood, shape_weights, weight_runs, window_sums


def _rolled_sums(values, weights):
    """The count the slow way: every weighted cell's board rolled under the centre."""
    r = weights.shape[0] // 2
    total = np.zeros(values.shape, np.int64)
    for dy, dx in zip(*np.nonzero(weights), strict=True):
        total += weights[dy, dx] * np.roll(values, (r - dy, r - dx), axis=(-2, -1))
    return total


@pytest.mark.parametrize("centre", [0, 1, 3])
@pytest.mark.parametrize("shape", ["M", "N", "C", "X", "G"])
def test_window_sums_are_the_weighted_counts_of_every_shape(shape, centre):
    rng = np.random.default_rng(1)
    values = rng.integers(0, 3, (2, 13, 17))
    weights = shape_weights(shape, 3)
    weights[3, 3] = centre
    np.testing.assert_array_equal(window_sums(values, weights), _rolled_sums(values, weights))
    assert window_sums(values, weights, np.int32).dtype == np.int32


def test_window_sums_take_any_weights_negative_among_them():
    rng = np.random.default_rng(2)
    values = rng.integers(0, 2, (3, 9, 8))
    weights = rng.integers(-3, 4, (5, 5))
    np.testing.assert_array_equal(window_sums(values, weights), _rolled_sums(values, weights))
    box = np.full((5, 5), 2)  # one weight everywhere: the summed-area table
    np.testing.assert_array_equal(window_sums(values, box), _rolled_sums(values, box))


def test_weight_runs_cover_each_row_once():
    weights = np.array([[1, 1, 0], [2, 0, 2], [0, 3, 3]])
    assert weight_runs(weights).tolist() == [[-1, -1, 0, 1], [0, -1, -1, 2], [0, 1, 1, 2], [1, 0, 1, 3]]


@pytest.mark.parametrize("shape", COUNT_SHAPES + ("H", "G"))
def test_a_neighbourhood_counts_its_weights_without_the_centre(shape):
    nb = Neighbourhood(2, shape)
    alive = np.random.default_rng(3).random((2, 11, 12)) < 0.5
    assert nb.weights[2, 2] == 0 and nb.centre_weight >= 1
    np.testing.assert_array_equal(nb.counts(alive), _rolled_sums(alive.astype(np.int64), nb.weights))
    assert nb.counts(alive).dtype == np.int32 and nb.size == int((nb.weights != 0).sum())


def test_hex_digit_neighbourhoods_read_as_golly_reads_them():
    custom = Neighbourhood(2, "@", "21fa09")
    assert custom.spec == "21FA09" and custom.size == 10 and "@" in NAMED_SHAPES
    weighted = Neighbourhood(1, "W", "F1F1019F1")
    assert weighted.centre_weight == 0 and weighted.low == -22 and weighted.high == 4
    with pytest.raises(ValueError, match="needs 6 hex digits, got 2"):
        Neighbourhood(2, "@", "21")
    with pytest.raises(ValueError, match="state weights counts more than live cells"):
        Neighbourhood(1, "W", "111101111,01")
    with pytest.raises(ValueError, match="only N@ and NW take hex digits"):
        Neighbourhood(2, "M", "12")
