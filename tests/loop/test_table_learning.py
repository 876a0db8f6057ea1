"""Rule tables learned from many-state trajectories: the evidence per observed configuration, the verdict, the
export."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from lifelab import simulate
from lifelab.cli import main
from lifelab.errors import InputError
from lifelab.evidence import TableEvidence, decide_table
from lifelab.evidence.tables import TABLE_NEIGHBOURHOODS
from lifelab.io import save_trajectories
from lifelab.io.rle import load_rle
from lifelab.loop import fit_table_network, learn_table
from lifelab.rules import TableRule, load_rule_file, parse_rule, rule_file, table_rule

RULES = Path(__file__).parents[1] / "golden" / "rules"
_spec = importlib.util.spec_from_file_location("make_rule_tables", RULES.parent / "make_rule_tables.py")
make_rule_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_rule_tables)


def cyclic(states: int = 3) -> TableRule:
    """The cyclic cellular automaton on von Neumann neighbours: a cell advances when a neighbour is one ahead."""
    any_state = tuple(range(states))
    transitions = [
        (((c,), ((c + 1) % states,), any_state, any_state, any_state), (c + 1) % states) for c in range(states)
    ]
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


def test_evidence_counted_round_by_round_pools_to_the_evidence_of_all_the_data():
    first, second = cyclic_trajectories(n=1, steps=2, seed=0), cyclic_trajectories(n=2, steps=3, seed=1)
    pooled = {}
    for hood in TABLE_NEIGHBOURHOODS:
        pooled[hood] = TableEvidence.of(first, hood, 3) + TableEvidence.of(second, hood, 3)
        every = (
            TableEvidence.of(np.concatenate([first[:, :2], second[:, :2]]), hood, 3)
            + TableEvidence.of(first[:, 1:], hood, 3)
            + TableEvidence.of(second[:, 1:], hood, 3)
        )
        np.testing.assert_array_equal(pooled[hood].codes, every.codes)
        np.testing.assert_array_equal(pooled[hood].counts, every.counts)
    at_once = decide_table(np.concatenate([first[:, :3], second[:, :3]]), 3)
    counted = {
        hood: TableEvidence.of(first, hood, 3) + TableEvidence.of(second[:, :3], hood, 3)
        for hood in TABLE_NEIGHBOURHOODS
    }
    kept = decide_table(counted, 3)
    assert (kept.rung, kept.family, kept.observed_classes, kept.learned) == (
        at_once.rung,
        at_once.family,
        at_once.observed_classes,
        at_once.learned,
    )
    with pytest.raises(InputError, match="cannot pool table evidence of neighbourhood"):
        pooled["vonNeumann"] + pooled["Moore"]
    with pytest.raises(InputError, match="boundary='auto' reads the frame's edge"):
        decide_table(counted, 3, boundary="auto")


def test_every_class_observed_identifies_the_table_within_its_symmetry_with_nothing_stated():
    traj = cyclic_trajectories()
    verdict = decide_table(traj, symmetries="permute")
    assert verdict.rung == "identified within family" and verdict.exit_code == 0
    assert verdict.family.neighbourhood == "vonNeumann" and not verdict.rejected  # the smallest the data allow
    assert verdict.family.symmetries == "permute" and verdict.counts_function and verdict.family.unlisted is None
    assert verdict.observed_classes == verdict.family.n_classes == 3 * 15  # 3 centres x multisets of 4 of 3 states
    assert verdict.rule == cyclic() and verdict.label == "identified within permute vonNeumann rule tables of 3 states"
    unstated = decide_table(traj)  # every one of the 3^5 configurations seen: no symmetry need be assumed
    assert unstated.family.symmetries == "none" and unstated.symmetry_choice == "weakest"
    assert unstated.rule == cyclic() and unstated.observed_classes == 3**5
    assert unstated.label == "identified within vonNeumann rule tables of 3 states"
    assert "none is the weakest symmetry under which every class was observed" in unstated.sentence()
    assert verdict.structure == [
        "0 -> 1 when #1 in {1, 2, 3, 4}, else 0",
        "1 -> 2 when #2 in {1, 2, 3, 4}, else 1",
        "2 -> 0 when #0 in {1, 2, 3, 4}, else 2",
    ]
    assert decide_table(traj, unlisted="unchanged").family.unlisted is None  # nothing left for the default to fill
    every = decide_table(traj, neighbourhood="Moore", symmetries="none")
    assert every.rung == "underdetermined"  # 3^9 Moore configurations: far from all of them


def test_every_moore_configuration_observed_is_identified_with_no_assumption():
    life = parse_rule("B3/S23")
    boards = np.stack([np.array([(code >> i) & 1 for i in range(9)], bool).reshape(3, 3) for code in range(512)])
    pairs = np.stack([boards, np.asarray(life.step(boards))], axis=1).astype(np.uint8)  # each 3x3 board, one step
    tiled = np.tile(pairs, (1, 1, 2, 2))  # on a 6x6 torus every cell sees one of the 512 windows
    verdict = decide_table(tiled, neighbourhood="Moore", symmetries="none")
    assert verdict.rung == "identified" and verdict.rule == table_rule(life) and verdict.family.unlisted is None
    assert verdict.sentence().startswith("Identified: every one of the 512 Moore configurations was observed")


def test_the_symmetry_left_to_the_data_is_the_weakest_that_identifies_the_table():
    one_step = cyclic_trajectories(n=1, steps=1, seed=0)  # all 45 permute classes and all 72 rotate4 ones seen
    verdict = decide_table(one_step)
    assert verdict.allowed[0] == "permute" and "rotate4" in verdict.allowed
    assert verdict.family.symmetries == "rotate4" and verdict.symmetry_choice == "weakest"
    assert verdict.observed_classes == verdict.family.n_classes == 72 and verdict.rule == cyclic()
    short = cyclic_trajectories(n=1, steps=1, seed=1)  # no symmetry's classes all seen: the largest fills in most
    open_verdict = decide_table(short)
    assert open_verdict.rung == "underdetermined" and open_verdict.symmetry_choice == "largest"
    assert (
        open_verdict.family.symmetries == "permute"
        and "permute is the largest symmetry they allow" in open_verdict.sentence()
    )


def test_what_the_data_leave_open_is_underdetermined_unless_golly_s_default_is_stated():
    traj = cyclic_trajectories(states=4, n=1, steps=2)
    silent = decide_table(traj)
    assert silent.rung == "underdetermined" and silent.exit_code == 3 and silent.rule is None
    assert "state Golly's default" in silent.sentence()
    stated = decide_table(traj, unlisted="unchanged")
    assert stated.rung == "identified within family" and stated.rule == silent.learned
    assert stated.family.unlisted == "unchanged" and "Golly's default" in stated.family.assumption


def test_what_a_short_trajectory_does_not_show_is_left_unchanged_and_said_so():
    traj = cyclic_trajectories(states=4, n=1, steps=2)
    verdict = decide_table(traj, unlisted="unchanged")
    assert verdict.rung == "identified within family"
    assert 0 < verdict.observed_classes < verdict.family.n_classes
    assert (
        f"{verdict.observed_classes:,} of the {verdict.family.n_classes:,} permute classes observed"
        in verdict.sentence()
    )
    assert verdict.disagreements(cyclic(4)) == 0  # right wherever the data speak
    assert verdict.rule != cyclic(4)  # and Golly's default elsewhere, which the truth is not


def test_a_moore_rule_refutes_the_smaller_neighbourhoods_and_its_structure_is_read():
    start, _ = load_rle(RULES / "wireworld_and.start.rle")
    traj = simulate(load_rule_file(RULES / "WireWorld.rule"), start[None].astype(np.uint8), 60)
    verdict = decide_table(traj, unlisted="unchanged")
    assert verdict.family.neighbourhood == "Moore" and set(verdict.rejected) == {"vonNeumann", "hexagonal"}
    assert verdict.counts_function and verdict.family.symmetries == "permute"
    # 2 heads: unseen
    assert verdict.structure == [
        "0 -> 0 on every configuration observed",
        "1 -> 2 on every configuration observed",
        "2 -> 3 on every configuration observed",
        "3 -> 1 when #1 in {1}, else 3",
    ]
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
    assert "verdict       identified within vonNeumann rule tables of 3 states" in printed
    assert "0 -> 1 when #1 in {1, 2, 3, 4}, else 0" in printed
    assert load_rule_file(out) == cyclic() and load_rule_file(out).name == "Cyclic-learned"
    short = save_trajectories(tmp_path / "short.npz", cyclic_trajectories(states=4, n=1, steps=2))
    assert main(["learn", "--data", str(short), "--model", "e2cnn"]) == 3
    printed = capsys.readouterr().out
    assert "verdict       identified on the" in printed and "observed classes only" in printed
    assert "network       e2cnn, group p4m:" in printed and "gives every one its observed next state" in printed
    assert main(["learn", "--data", str(path), "--export", str(tmp_path / "x.txt")]) == 2
    assert main(["learn", "--data", str(path), "--family", "isotropic"]) == 2
    assert main(["learn", "--data", str(path), "--neighbourhood", "R2,NM"]) == 1  # counted, not tabled
    assert "Inconsistent: 28 (centre, live count) classes on the range-2 box (NM)" in capsys.readouterr().out
    assert main(["learn", "B3/S23", "--unlisted", "unchanged"]) == 2


def test_cli_simulates_a_pattern_saves_it_and_learns_langtons_loops(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LIFELAB_RULES", str(RULES))
    saved = tmp_path / "loops.npz"
    pattern = RULES / "langtons_loops.start.rle"
    assert (
        main(
            [
                "simulate",
                "Langtons-Loops",
                "--pattern",
                str(pattern),
                "--size",
                "64",
                "--steps",
                "60",
                "--save",
                str(saved),
            ]
        )
        == 0
    )
    capsys.readouterr()
    exported = tmp_path / "Loops.rule"
    assert main(["learn", "--data", str(saved), "--unlisted", "unchanged", "--export", str(exported)]) == 0
    printed = capsys.readouterr().out
    assert "symmetries    rotate4" in printed
    assert "not a function of the cell and its neighbours' state counts" in printed
    start, _ = load_rle(pattern)
    np.testing.assert_array_equal(
        simulate(load_rule_file(exported), start[None].astype(np.uint8), 60),
        simulate(load_rule_file(RULES / "Langtons-Loops.rule"), start[None].astype(np.uint8), 60),
    )


def test_a_network_with_the_table_s_symmetry_reproduces_every_observed_configuration():
    verdict = decide_table(cyclic_trajectories(states=4, n=1, steps=2), unlisted="unchanged")
    net = fit_table_network(verdict, progress=False)
    assert net.group == "p4m" and net.exact and net.windows == verdict.evidence.codes.size
    agree, unseen = net.guesses_like(cyclic(4))
    assert unseen == (~net.observed).sum() == verdict.evidence.configurations - verdict.evidence.codes.size
    assert 0 <= agree <= unseen and net.table.shape == (4**5,)
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


def test_the_loop_on_a_table_oracle_adds_trajectories_until_every_class_is_seen(tmp_path, capsys):
    report = learn_table(cyclic(3), shape=(12, 12), steps=3, max_rounds=10, seed=0)
    assert report.stop_reason == "determined" and report.recovered and report.verdict.rung == "identified within family"
    assert report.observed[-1] == report.verdict.family.n_classes and report.trajectories >= 1
    assert len(report.observed) == report.trajectories
    loops = learn_table(load_rule_file(RULES / "Langtons-Loops.rule"), max_rounds=2)
    assert loops.stop_reason == "max_rounds" and loops.rule is None  # 8,352 classes: random boards show few
    stated = learn_table(load_rule_file(RULES / "Langtons-Loops.rule"), max_rounds=2, unlisted="unchanged")
    assert stated.stop_reason == "determined" and stated.trajectories == 1 and not stated.recovered
    with pytest.raises(InputError, match="learn_table learns rule tables"):
        learn_table("B3/S23")
    rule_file_path = tmp_path / "Cyclic.rule"
    rule_file_path.write_text(rule_file(cyclic(3)))
    assert main(["learn", str(rule_file_path), "--size", "12", "--steps", "3"]) == 0
    printed = capsys.readouterr().out
    assert "round   1" in printed and "equals truth  yes" in printed


def test_query_boards_recover_langtons_whole_table_where_random_boards_do_not():
    golly = load_rule_file(RULES / "Langtons-Loops.rule")
    asked = learn_table(golly, shape=(128, 128), symmetries="rotate4", max_rounds=10, mode="query")
    assert asked.stop_reason == "determined" and asked.recovered and asked.rule == golly
    assert asked.verdict.observed_classes == asked.verdict.family.n_classes == 8352
    drawn = learn_table(golly, shape=(128, 128), symmetries="rotate4", max_rounds=asked.trajectories, mode="random")
    assert drawn.stop_reason == "max_rounds" and drawn.observed[-1] < 8352
    unstated = learn_table(golly, shape=(128, 128), max_rounds=40, mode="query")  # questions by configuration
    assert unstated.recovered and unstated.verdict.family.symmetries == "rotate4"
    with pytest.raises(InputError, match="mode must be one of"):
        learn_table(golly, mode="ask")


def test_the_edge_decides_the_boundary_so_that_no_neighbourhood_is_refuted_by_it():
    rng = np.random.default_rng(0)
    plane = simulate(cyclic(), rng.integers(0, 3, (4, 24, 24)).astype(np.uint8), 12, boundary="dead")
    assert decide_table(plane).rung == "inconsistent"  # read as a torus, the edge goes two ways
    dead = decide_table(plane, boundary="auto")
    assert dead.evidence.boundary == "dead" and dead.rule == cyclic() and not dead.rejected
    assert "dead outside" in dead.sentence()
    window = simulate(cyclic(), rng.integers(0, 3, (4, 48, 48)).astype(np.uint8), 12)[:, :, 10:34, 10:34]
    crop = decide_table(window, boundary="auto")
    assert crop.evidence.boundary == "open" and crop.rule == cyclic() and "were not used" in crop.boundary_note
    assert decide_table(cyclic_trajectories(), boundary="auto").evidence.boundary == "torus"
