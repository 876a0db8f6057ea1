"""The 1-D world's rule types: Golly's Wolfram rules on the plane, and 1-D rules of k states and radius r."""

import pickle

import numpy as np
import pytest

from lifelab import simulate
from lifelab.errors import InputError
from lifelab.io.rle import read_rle
from lifelab.rules import OneDRule, Rule, parse_rule, window_digits

#: bgolly 3.3: ``x = 1, y = 1, rule = W110`` / ``o!`` run for 8 generations (``bgolly -m 8``).
W110_FROM_ONE_CELL = "x = 9, y = 9, rule = W110\n8bo$7b2o$6b3o$5b2obo$4b5o$3b2o3bo$2b3o2b2o$b2obob3o$7obo!\n"


def test_golly_draws_w110_down_the_plane_from_one_cell():
    board = np.zeros((1, 9, 9), bool)
    board[0, 0, 8] = True
    expected, rule = read_rle(W110_FROM_ONE_CELL)
    assert rule == "W110"
    assert np.array_equal(simulate("W110", board, 8, boundary="dead")[0, -1], expected)


def test_the_plane_rows_are_the_one_d_space_time_diagram():
    rule = parse_rule("W30")
    plane = np.zeros((1, 16, 33), bool)
    plane[0, 0, 16] = True
    row = plane[:, :1].copy()
    drawn = simulate(rule, plane, 15, boundary="dead")[0, -1]
    diagram = simulate(rule.one_d, row, 15, boundary="dead")[0, :, 0]
    assert np.array_equal(drawn, diagram)


@pytest.mark.parametrize("text", ["W1", "W256", "W-2"])
def test_golly_refuses_odd_and_out_of_range_wolfram_numbers(text):
    with pytest.raises(InputError):
        parse_rule(text)


def test_a_wolfram_rule_is_a_3x3_rule_equal_to_its_table():
    rule = parse_rule("W90")
    assert isinstance(rule, Rule) and rule == Rule.from_table(rule.table)
    assert pickle.loads(pickle.dumps(rule)) == rule and str(pickle.loads(pickle.dumps(rule))) == "W90"
    assert str(parse_rule("W110:T30,20")) == "W110:T30,20"


def test_wolfram_numbering_of_one_d_rules():
    rule = OneDRule.from_wolfram(110)
    # window (left, centre, right) = 4 l + 2 c + r; 110 = 0b01101110
    assert rule.table.tolist() == [0, 1, 1, 1, 0, 1, 1, 0]
    assert rule.number == 110 and str(rule) == "R1,C2,W110"
    assert window_digits([6], 2, 1).tolist() == [[1, 1, 0]]


def test_a_totalistic_code_spreads_over_windows_by_their_sum():
    rule = OneDRule.from_totalistic(1635, 3, 1)  # Wolfram's k=3 code 1635 = 2020120 in base 3, sum 0 first
    sums = window_digits(np.arange(27), 3, 1).sum(axis=1)
    assert rule.table.tolist() == [[0, 2, 1, 0, 2, 0, 2][s] for s in sums]


@pytest.mark.parametrize("states, radius", [(2, 1), (3, 2), (6, 3)])
def test_notation_reads_back(states, radius):
    rng = np.random.default_rng(states)
    rule = OneDRule(rng.integers(0, states, states ** (2 * radius + 1)), states, radius)
    assert parse_rule(str(rule)) == rule
    assert pickle.loads(pickle.dumps(rule)) == rule


def test_rows_step_on_their_own_on_a_ring_and_on_a_finite_row():
    rule = OneDRule.from_wolfram(90)
    rows = np.zeros((1, 2, 8), bool)
    rows[0, 0, 0] = True
    rows[0, 1, 4] = True
    ring = rule.step(rows)[0]
    assert np.flatnonzero(ring[0]).tolist() == [1, 7] and np.flatnonzero(ring[1]).tolist() == [3, 5]
    finite = simulate(rule, rows, 1, boundary="dead")[0, 1]
    assert np.flatnonzero(finite[0]).tolist() == [1]


def test_a_radius_two_rule_reads_two_cells_each_side():
    table = np.zeros(3**5, np.uint8)
    table[window_digits(np.arange(3**5), 3, 2)[:, 0] == 2] = 1  # 1 where the cell two to the left is 2
    rule = OneDRule(table, 3, 2)
    row = np.array([[[0, 2, 0, 0, 0, 0]]], np.uint8)
    assert rule.step(row)[0, 0].tolist() == [0, 0, 0, 1, 0, 0]


@pytest.mark.parametrize(
    "text, words",
    [
        ("R1,C2,W256", "out of range"),
        ("R0,C2,W1", "radius"),
        ("R1,C1,W1", "states"),
        ("R9,C9,W1", "windows"),
    ],
)
def test_bad_one_d_rules_are_refused_by_name(text, words):
    with pytest.raises(InputError, match=words):
        parse_rule(text)


def test_a_table_of_the_wrong_length_or_states_is_refused():
    with pytest.raises(InputError, match="8 entries"):
        OneDRule(np.zeros(7, np.uint8))
    with pytest.raises(InputError, match="states 0 to 1"):
        OneDRule(np.full(8, 2, np.uint8))
