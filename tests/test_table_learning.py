"""Rule tables learned from many-state trajectories: the evidence per observed configuration, the verdict, the export."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from lifelab import simulate
from lifelab.cli import main
from lifelab.data import save_trajectories
from lifelab.errors import InputError
from lifelab.evidence.tables import TableEvidence, decide_table
from lifelab.learners import fit_table_network
from lifelab.rle import load_rle
from lifelab.ruletables import TableRule, load_rule_file, rule_file

RULES = Path(__file__).parent / "golden" / "rules"
_spec = importlib.util.spec_from_file_location("make_rule_tables", RULES.parent / "make_rule_tables.py")
make_rule_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_rule_tables)


def cyclic(states: int = 3) -> TableRule:
    """The cyclic cellular automaton on von Neumann neighbours: a cell advances when a neighbour is one ahead."""
    any_state = tuple(range(states))
    transitions = [((( c,), ((c + 1) % states,), any_state, any_state, any_state), (c + 1) % states)
                   for c in range(states)]
    return TableRule("Cyclic", states, "vonNeumann", symmetries="permute", transitions=transitions)


def cyclic_trajectories(states: int = 3, n: int = 4, steps: int = 12, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    boards = rng.integers(0, states, (n, 24, 24)).astype(np.uint8)
    return simulate(cyclic(states), boards, steps)


def test_evidence_counts_each_observed_configuration_and_what_followed():
    traj = cyclic_trajectories()
    ev = TableEvidence.of(traj, "vonNeumann")
    assert ev.states == 3 and ev.observations == traj[:, 1:].size
    assert ev.counts.sum(axis=1).min() >= 1 and np.all(np.diff(ev.codes) > 0)
    truth = cyclic().next_states(cyclic().decode(ev.codes))
    np.testing.assert_array_equal(ev.counts.argmax(axis=1), truth)
    assert ev.conflicts() == 0 and ev.conflicts("permute") == 0


def test_a_constructed_table_is_identified_under_golly_s_default_and_only_then():
    traj = cyclic_trajectories()
    stated = decide_table(traj, unlisted="unchanged")
    assert stated.rung == "identified within family" and stated.exit_code == 0
    assert stated.family.neighbourhood == "vonNeumann" and not stated.rejected  # the smallest the data allow
    assert stated.family.symmetries == "permute" and stated.counts_function
    assert stated.observed_classes == stated.family.n_classes == 3 * 15  # 3 centres x multisets of 4 of 3 states
    assert stated.rule == cyclic()  # every class observed: the whole table, not only the observed part
    assert stated.structure == ["0 -> 1 when #1 in {1, 2, 3, 4}, else 0", "1 -> 2 when #2 in {1, 2, 3, 4}, else 1",
                                "2 -> 0 when #0 in {1, 2, 3, 4}, else 2"]
    silent = decide_table(traj)
    assert silent.rung == "underdetermined" and silent.exit_code == 3 and silent.rule is None
    assert silent.learned == stated.rule
    assert "state Golly's default" in silent.sentence()


def test_what_a_short_trajectory_does_not_show_is_left_unchanged_and_said_so():
    traj = cyclic_trajectories(states=4, n=1, steps=2)
    verdict = decide_table(traj, unlisted="unchanged")
    assert verdict.rung == "identified within family"
    assert 0 < verdict.observed_classes < verdict.family.n_classes
    assert f"{verdict.observed_classes:,} of the {verdict.family.n_classes:,} permute classes observed" in \
        verdict.sentence()
    assert verdict.disagreements(cyclic(4)) == 0  # right wherever the data speak
    assert verdict.rule != cyclic(4)  # and Golly's default elsewhere, which the truth is not


def test_a_moore_rule_refutes_the_smaller_neighbourhoods_and_its_structure_is_read():
    start, _ = load_rle(RULES / "wireworld_and.start.rle")
    traj = simulate(load_rule_file(RULES / "WireWorld.rule"), start[None].astype(np.uint8), 60)
    verdict = decide_table(traj, unlisted="unchanged")
    assert verdict.family.neighbourhood == "Moore" and set(verdict.rejected) == {"vonNeumann", "hexagonal"}
    assert verdict.counts_function and verdict.family.symmetries == "permute"
    assert verdict.structure == ["0 -> 0 on every configuration observed", "1 -> 2 on every configuration observed",
                                 "2 -> 3 on every configuration observed", "3 -> 1 when #1 in {1}, else 3"]  # 2 heads: unseen
    assert verdict.disagreements(load_rule_file(RULES / "WireWorld.rule")) == 0


def test_conflicting_observations_are_inconsistent_and_name_no_table():
    rng = np.random.default_rng(1)
    start, one, other = rng.integers(0, 3, (3, 16, 16)).astype(np.uint8)
    traj = np.stack([[start, one], [start, other]])  # the same board followed by two different ones
    verdict = decide_table(traj, unlisted="unchanged")
    assert verdict.rung == "inconsistent" and verdict.exit_code == 1
    assert verdict.rule is None and verdict.learned is None and verdict.family is None
    assert set(verdict.rejected) == {"vonNeumann", "hexagonal", "Moore"}


def test_a_stated_symmetry_the_data_contradict_is_refused():
    start, _ = load_rle(RULES / "langtons_loops.start.rle")
    traj = simulate(load_rule_file(RULES / "Langtons-Loops.rule"), start[None].astype(np.uint8), 40)
    with pytest.raises(InputError, match="the data contradict permute symmetry"):
        decide_table(traj, symmetries="permute")
    with pytest.raises(InputError, match="unlisted"):
        decide_table(traj, unlisted="dead")
    with pytest.raises(InputError, match="neighbourhood"):
        decide_table(traj, neighbourhood="oneDimensional")


@pytest.mark.parametrize("name", sorted(make_rule_tables.LEARNED))
def test_learned_from_its_own_trajectory_and_golly_runs_the_export_to_the_same_board(name):
    """The committed export is what lifelab learns now; bgolly ran it from the same start to the trajectory's end."""
    truth_name, _, width, height, steps = make_rule_tables.LEARNED[name]
    case = f"learned_{truth_name.lower().replace('-', '_')}"
    start, _ = load_rle(RULES / f"{case}.start.rle")
    golly = load_rule_file(RULES / f"{truth_name}.rule")
    traj = simulate(golly, start[None].astype(np.uint8), steps)
    verdict = decide_table(traj, unlisted="unchanged")
    assert verdict.determined and verdict.disagreements(golly) == 0
    assert rule_file(verdict.learned, name) == (RULES / "learned" / f"{name}.rule").read_text()
    end, _ = load_rle(RULES / f"{case}.end.rle")  # bgolly running the learned file
    np.testing.assert_array_equal(end.astype(np.uint8), traj[0, -1])
    assert (verdict.learned.dense_table != golly.dense_table).any()  # Golly's whole table is more than one run shows


def test_cli_learns_a_table_from_saved_trajectories_and_exports_it(tmp_path, capsys):
    path = save_trajectories(tmp_path / "cyclic.npz", cyclic_trajectories())
    out = tmp_path / "Cyclic-learned.rule"
    assert main(["learn", "--data", str(path), "--unlisted", "unchanged", "--export", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "verdict       identified within permute vonNeumann rule tables of 3 states" in printed
    assert "0 -> 1 when #1 in {1, 2, 3, 4}, else 0" in printed
    assert load_rule_file(out) == cyclic() and load_rule_file(out).name == "Cyclic-learned"
    assert main(["learn", "--data", str(path), "--model", "e2cnn"]) == 3
    printed = capsys.readouterr().out
    assert "identified on the 45 observed classes only" in printed
    assert "network       e2cnn, group p4m:" in printed and "gives every one its observed next state" in printed
    assert main(["learn", "--data", str(path), "--export", str(tmp_path / "x.txt")]) == 2
    assert main(["learn", "--data", str(path), "--family", "isotropic"]) == 2
    assert main(["learn", "--data", str(path), "--neighbourhood", "R2,NM"]) == 2
    assert main(["learn", "B3/S23", "--unlisted", "unchanged"]) == 2


def test_cli_simulates_a_pattern_saves_it_and_learns_langtons_loops(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LIFELAB_RULES", str(RULES))
    saved = tmp_path / "loops.npz"
    pattern = RULES / "langtons_loops.start.rle"
    assert main(["simulate", "Langtons-Loops", "--pattern", str(pattern), "--size", "64", "--steps", "60",
                 "--save", str(saved)]) == 0
    capsys.readouterr()
    exported = tmp_path / "Loops.rule"
    assert main(["learn", "--data", str(saved), "--unlisted", "unchanged", "--export", str(exported)]) == 0
    printed = capsys.readouterr().out
    assert "symmetries    rotate4" in printed and "not a function of the cell and its neighbours' state counts" in printed
    start, _ = load_rle(pattern)
    np.testing.assert_array_equal(simulate(load_rule_file(exported), start[None].astype(np.uint8), 60),
                                  simulate(load_rule_file(RULES / "Langtons-Loops.rule"), start[None].astype(np.uint8), 60))


def test_a_network_with_the_table_s_symmetry_reproduces_every_observed_configuration():
    verdict = decide_table(cyclic_trajectories(states=4, n=1, steps=2), unlisted="unchanged")
    net = fit_table_network(verdict, progress=False)
    assert net.group == "p4m" and net.exact and net.windows == verdict.evidence.codes.size
    agree, unseen = net.guesses_like(cyclic(4))
    assert unseen == (~net.observed).sum() == verdict.evidence.configurations - verdict.evidence.codes.size
    assert 0 <= agree <= unseen and net.table.shape == (4 ** 5,)
    np.testing.assert_array_equal(net.table[net.observed], verdict.evidence.counts.argmax(axis=1))
    again = fit_table_network(verdict, progress=False)
    np.testing.assert_array_equal(again.table, net.table)  # same seed, same network


def test_langtons_loop_needs_a_network_that_carries_orientation():
    """p4 e2cnn fields keep which neighbour is where; the tied kernel sees counts per ring, which the loop defeats."""
    start, _ = load_rle(RULES / "langtons_loops.start.rle")
    traj = simulate(load_rule_file(RULES / "Langtons-Loops.rule"), start[None].astype(np.uint8), 40)
    verdict = decide_table(traj, unlisted="unchanged")
    assert verdict.family.symmetries == "rotate4"
    assert fit_table_network(verdict, progress=False).exact
    tied = fit_table_network(verdict, "tied", "p4m", epochs=300, progress=False)
    assert not tied.exact and tied.wrong > 0
    with pytest.raises(InputError, match="imposes trivial, not p4"):
        fit_table_network(verdict, "minimal", "p4", progress=False)
    with pytest.raises(InputError, match="margin"):
        fit_table_network(verdict, margin=1.0, progress=False)
    start, one, other = np.random.default_rng(1).integers(0, 3, (3, 16, 16)).astype(np.uint8)
    with pytest.raises(InputError, match="inconsistent"):
        fit_table_network(decide_table(np.stack([[start, one], [start, other]])), progress=False)
