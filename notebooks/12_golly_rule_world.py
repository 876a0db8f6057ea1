# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 12 · Golly's rule world: rule tables read, run, learned and handed back
#
# Everything before this notebook is a rule string: B/S, Hensel, MAP,
# Generations, Larger than Life. Golly's **RuleLoader** rules are tables:
# a `.rule` file lists, for a cell and its von Neumann or Moore neighbours,
# which state comes next, with variables, symmetries, and "a configuration
# no transition lists leaves the cell unchanged". WireWorld (4 states) and
# Langton's self-reproducing loop (8 states) are the famous ones.
#
# This notebook
#
# 1. reads Golly's own `Langtons-Loops.rule` (a copy committed under
#    `tests/golden/rules`, where bgolly's fixtures live) and runs it;
# 2. **learns the table back from the loop's own trajectory** with the
#    table learner (`lifelab.evidence.tables`), with a verdict that says how
#    much of the table the trajectory shows;
# 3. writes what was learned as a `.rule` file and shows that **Golly runs
#    it to the same board** (the committed fixture bgolly made from it);
# 4. does the same for a WireWorld circuit, whose next state turns out to be
#    a function of the cell and the counts of each state around it;
# 5. fits networks with one one-hot channel per state to what was observed
#    and compares their guesses on the rest with Golly's tables;
# 6. draws the neighbourhoods of Golly 4's HROT rules and runs a few of them
#    next to Golly's own boards.

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import lifelab
from lifelab.evidence import decide_table
from lifelab.io.rle import load_rle
from lifelab.rules import load_rule_file, rule_file
from lifelab.viz import plot_board, trajectory_slider

FIXTURES = Path("..") / "tests" / "golden" / "rules"  # Golly's rule files and bgolly's runs, committed
print("device:", lifelab.get_device())

# %% tags=["parameters"]
LOOP_STEPS = 300  # Langton's loop: one reproduction takes about 150 generations
WIRE_STEPS = 120  # the WireWorld AND gate

# %% [markdown]
# ## A rule table, read
#
# The file's header says 8 states, the von Neumann neighbourhood and
# `rotate4` symmetry; each of its 219 transitions stands for its four
# rotations. lifelab reads it as Golly's RuleLoader does and tabulates all
# 8^5 = 32,768 configurations once; a step is one lookup per cell.

# %%
golly = load_rule_file(FIXTURES / "Langtons-Loops.rule")
print(repr(golly))
print(f"{len(golly.transitions)} transitions, symmetries {golly.symmetries}, {golly.configurations:,} configurations")
configs = golly.decode(np.arange(golly.configurations))
changing = int((golly.dense_table != configs[:, 0]).sum())
print(f"configurations whose cell changes: {changing:,} of {golly.configurations:,}")
print("colours (@COLORS):", golly.colors)

# %% [markdown]
# ## The loop, reproducing
#
# The start is Golly's `Patterns/Loops/Langtons-Loops.rle` centred on a
# 96x96 torus (the board the fixture script gave bgolly), drawn in the
# colours of the file's `@COLORS` and cut to where the loops ever were.

# %%
start, _ = load_rle(FIXTURES / "learned_langtons_loops.start.rle")
loop = lifelab.simulate(golly, start[None].astype(np.uint8), LOOP_STEPS)
rows, cols = (np.flatnonzero(loop[0].any(axis=(0, axis))) for axis in (2, 1))  # where the loops ever were
window = np.s_[rows.min() - 2:rows.max() + 3, cols.min() - 2:cols.max() + 3]
fig, axes = plt.subplots(1, 4, figsize=(12, 3.2))
for ax, t in zip(axes, np.linspace(0, LOOP_STEPS, 4).astype(int)):
    plot_board(loop[0, t][window], ax=ax, title=f"generation {t}", states=golly.states, colors=golly.colors)
fig.tight_layout()

# %%
trajectory_slider({"Langton's loops": loop[0][(slice(None), *window)]}, cell_inches=4, colors=golly.colors)

# %% [markdown]
# ## Learned from its own trajectory
#
# The table learner counts, for every configuration the trajectory shows,
# which state followed it. The data choose the smallest of Golly's
# neighbourhoods on which the next state is a function (von Neumann here:
# no configuration goes two ways) and, since no symmetry's classes were all
# observed, the largest symmetry they allow. That
# is where the data stop: almost all configurations never occur in one
# loop's life. Said without assumption, the rule is identified on the
# observed classes only (exit 3). Stating Golly's own default, that a
# configuration no transition lists leaves the cell unchanged, one table
# fits (exit 0).

# %%
silent = decide_table(loop)
print(silent.sentence())
print()
learned = decide_table(loop, unlisted="unchanged", name="Langtons-Loops-learned")
print(learned.sentence())

# %%
ev = learned.evidence
agree = learned.learned.dense_table == golly.dense_table
seen_classes = learned.observed_classes
print(f"configurations observed:        {ev.codes.size:,} of {ev.configurations:,} "
      f"({seen_classes:,} of {learned.family.n_classes:,} rotate4 classes)")
print(f"symmetries the data allow:      {', '.join(learned.allowed)}")
print(f"structure:                      {'counts of each state' if learned.counts_function else 'not a function of the counts of each state: the loop needs its orientation'}")
print(f"observed configurations where the learned table and Golly's differ: {learned.disagreements(golly)}")
changes = learned.learned.dense_table != configs[:, 0]
print(f"configurations whose cell changes: Golly's table {changing:,}, the learned one {int(changes.sum()):,}; "
      f"they differ on {int((~agree).sum()):,} (all unobserved)")
print(f"transitions: learned {len(learned.learned.transitions)} (the observed changes, merged over sets of states), "
      f"Golly's {len(golly.transitions)}")

# %% [markdown]
# Where the two disagree is where the trajectory is silent: configurations
# the loop never passes through, for which Golly's table lists a
# transition and the learned one, by the stated default, leaves the cell
# unchanged. The picture: each row one state of the cell, each column one of
# the 4,096 configurations of its four neighbours; green where the
# trajectory showed the configuration, red where the learned table and
# Golly's differ.

# %%
observed = np.zeros(golly.configurations, bool)
observed[ev.codes] = True
picture = np.ones((golly.configurations, 3))
picture[observed] = (0.2, 0.65, 0.3)
picture[~agree] = (0.85, 0.15, 0.1)
order = np.lexsort((configs[:, 1:] @ (8 ** np.arange(4)), configs[:, 0]))
fig, ax = plt.subplots(figsize=(12, 2.2))
ax.imshow(picture[order].reshape(8, 4096, 3), aspect="auto", interpolation="nearest")
ax.set(yticks=range(8), ylabel="cell state", xlabel="configuration of the four neighbours (N, E, S, W)",
       title=f"Langton's loops: {observed.sum():,} configurations observed (green), {(~agree).sum():,} "
             "where the learned table differs from Golly's (red)")
fig.tight_layout()

# %% [markdown]
# With Langton's table as an oracle instead, the loop can ask: query boards
# of 4x4 slots, each holding a configuration not seen yet, show every one of
# the 8,352 rotate4 classes in a few rounds, and the whole table is
# recovered (`lifelab.loop.run.learn_table`, `mode="query"`).

# %%
from lifelab.loop import learn_table

asked = learn_table(golly, shape=(128, 128), symmetries="rotate4", mode="query")
drawn = learn_table(golly, shape=(128, 128), symmetries="rotate4", max_rounds=asked.trajectories)
print(f"query boards:  {asked.trajectories} rounds, classes observed per round {asked.observed}; "
      f"{asked.verdict.label}; equals Golly's table: {asked.recovered}")
print(f"random boards: {drawn.trajectories} rounds, classes observed per round {drawn.observed}; "
      f"{drawn.verdict.label}")

# %% [markdown]
# ## Handed back to Golly
#
# `rule_file` writes the learned table as a Golly `.rule` file (lifelab
# merges the transitions and writes the largest symmetry the table has).
# `lifelab learn --data loops.npz --unlisted unchanged --export
# Langtons-Loops-learned.rule` does the same from the command line. The
# fixture script (`tests/golden/make_rule_tables.py`) gave this very file
# to bgolly, from the same start for the same number of generations; its
# board is committed, and it is the trajectory's last board.

# %%
text = rule_file(learned.learned)
print("\n".join(text.splitlines()[:12]), "\n...")
print(f"{len(text.splitlines())} lines; the committed file is this text:",
      text == (FIXTURES / "learned" / "Langtons-Loops-learned.rule").read_text())
by_golly, _ = load_rle(FIXTURES / "learned_langtons_loops.end.rle")
print(f"bgolly running the learned file for {LOOP_STEPS} generations ends on the trajectory's last board:",
      np.array_equal(by_golly, loop[0, -1]))

# %% [markdown]
# ## WireWorld
#
# An AND gate from Golly's `Patterns/WireWorld`. The data refute the von
# Neumann and hexagonal neighbourhoods (a configuration of them goes two
# ways), the Moore one makes the next state a function, and they allow
# `permute`: the next state depends on the cell and how many neighbours are
# in each state. The structure test then writes what was observed in one
# line per state (0 empty, 1 electron head, 2 tail, 3 conductor):
# WireWorld's own definition, except that this circuit never shows a
# conductor next to two heads (Golly's table makes it a head), so the
# learned table, by the stated default, leaves it a conductor. The export
# still runs the circuit exactly as Golly's WireWorld does.

# %%
wireworld = load_rule_file(FIXTURES / "WireWorld.rule")
wire_start, _ = load_rle(FIXTURES / "learned_wireworld.start.rle")
wires = lifelab.simulate(wireworld, wire_start[None].astype(np.uint8), WIRE_STEPS)
wired = decide_table(wires, unlisted="unchanged", name="WireWorld-learned")
print(wired.sentence())
print("structure:")
for line in wired.structure:
    print("   ", line)
wire_agree = wired.learned.dense_table == wireworld.dense_table
print(f"configurations observed: {wired.evidence.codes.size:,} of {wired.evidence.configurations:,}; "
      f"the learned table agrees with Golly's on {int(wire_agree.sum()):,}")
by_golly, _ = load_rle(FIXTURES / "learned_wireworld.end.rle")
print("bgolly running the learned file ends on the trajectory's last board:", np.array_equal(by_golly, wires[0, -1]))

# %%
moving = np.flatnonzero((wires[0] == 1).any(axis=(1, 2)))  # generations with an electron head
print(f"the last electron head is at generation {moving.max()}; the circuit is still after that")
fig, axes = plt.subplots(1, 4, figsize=(12, 2.6))
for ax, t in zip(axes, np.linspace(0, moving.max(), 4).astype(int)):
    plot_board(wires[0, t], ax=ax, title=f"AND gates, generation {t}", states=4, colors=wireworld.colors)
fig.tight_layout()

# %% [markdown]
# ## A network learns the table
#
# The table learner says nothing about configurations the data never
# showed; Golly's default fills them with "unchanged". A network with one
# one-hot channel per state, fitted to the observed configurations (each on
# a 3x3 board, the cells outside the neighbourhood dead), gives every
# configuration a next state: its guess. The symmetry it imposes is the
# largest group of the square inside the table's: p4 for Langton's
# `rotate4`, p4m for WireWorld's `permute` (`lifelab.loop.learners.TABLE_GROUPS`).
# e2cnn's regular fields carry orientation; the weight-tied network sees
# only how many cells of each state sit on the edge ring and on the corner
# ring, which Langton's loop, whose signals run one way round, defeats.
# Against Golly's own tables, on the configurations the trajectory never
# showed: who guesses like Golly?

# %% tags=["nbval-ignore-output"]
# epochs and guesses depend on the CPU's floating-point order; the checks follow below
from lifelab.loop import fit_table_network

fits = {("Langton's loops", "e2cnn p4"): fit_table_network(learned),
        ("Langton's loops", "tied p4m"): fit_table_network(learned, "tied", "p4m", epochs=500),
        ("WireWorld", "e2cnn p4m"): fit_table_network(wired),
        ("WireWorld", "tied p4m"): fit_table_network(wired, "tied", "p4m"),
        ("WireWorld", "minimal (none)"): fit_table_network(wired, "minimal", "trivial")}
truths = {"Langton's loops": (golly, learned), "WireWorld": (wireworld, wired)}
guessed = {}
for (rule, name), net in fits.items():
    truth, verdict = truths[rule]
    agree, unseen = net.guesses_like(truth)
    default = int((verdict.learned.dense_table == truth.dense_table)[~net.observed].sum())
    guessed[rule, name] = (agree / unseen, default / unseen)
    print(f"{rule:16s} {name:15s} {net.epochs:5d} epochs, observed wrong: {net.wrong:3d}; like Golly on "
          f"{agree:,} of {unseen:,} unobserved ({agree / unseen:.1%}); the default 'unchanged' {default / unseen:.1%}")

# %%
exact = {key: net.exact for key, net in fits.items()}
print("e2cnn p4 reproduces every configuration Langton's loop showed:", exact["Langton's loops", "e2cnn p4"])
print("the tied network cannot (counts per ring lose the orientation):", not exact["Langton's loops", "tied p4m"])
print("every network reproduces every configuration the AND gate showed:",
      all(ok for (rule, _), ok in exact.items() if rule == "WireWorld"))
print("on WireWorld every network guesses the unobserved like Golly more often than 'unchanged':",
      all(net > default for (rule, _), (net, default) in guessed.items() if rule == "WireWorld"))
print("on Langton's loops 'unchanged' guesses like Golly more often than the network:",
      guessed["Langton's loops", "e2cnn p4"][0] < guessed["Langton's loops", "e2cnn p4"][1])

# %%
fig, ax = plt.subplots(figsize=(9, 3))
labels = [f"{rule}\n{name}" for rule, name in guessed]
ax.bar(np.arange(len(guessed)) - 0.2, [g[0] for g in guessed.values()], 0.4, label="the network's guess")
ax.bar(np.arange(len(guessed)) + 0.2, [g[1] for g in guessed.values()], 0.4, label="Golly's default: unchanged")
ax.set_xticks(range(len(guessed)), labels, fontsize=8)
ax.set(ylabel="unobserved configurations\nguessed as Golly's table has them", ylim=(0, 1.2), yticks=np.linspace(0, 1, 6))
ax.legend(fontsize=8, loc="upper center", ncol=2)
fig.tight_layout()

# %% [markdown]
# Which completion is right depends on the rule: Langton's table leaves
# almost every configuration unchanged, which no network guesses; WireWorld
# changes every head and tail whatever surrounds them, which the networks
# generalise from the few they saw, the tied one (counts per ring) best.
# Neither is evidence: the verdict stays "identified on the observed
# classes only" or "within tables that leave the rest unchanged".

# %% [markdown]
# ## HROT and Golly 4's other neighbourhoods
#
# Golly 4's Larger than Life algorithm also reads HROT rules
# (`Rr,Cc,Slist,Blist,Nn`, with lists of counts) and many more
# neighbourhoods than the box, diamond and disc. Each is drawn below at
# range 3 (the cell's own weight in the middle, as Golly counts it; `N@` is
# a custom set of cells in hex digits, `NW` a weight per cell, here range 2
# with negative weights in red). Debian's bgolly 3.3 reads none of them;
# the committed boards were made by bgolly built from Golly's 2025 source,
# and lifelab ends on the same cells.

# %%
from lifelab.geometry import HROT_NEIGHBOURHOODS
from lifelab.rules import HROTRule, parse_rule

shapes = [HROTRule(3, (), (1,), neighbourhood=n) for n in "MNC2+X*#BDH"]
shapes += [parse_rule("R2,C0,S2-5,B3-4,N@21FA09"), parse_rule("R2,C0,S2-6,B3-5,NW0110112F2112021F2211F0110")]
fig, axes = plt.subplots(1, len(shapes), figsize=(13, 2.2))
for ax, rule in zip(axes, shapes):
    limit = max(1, int(np.abs(rule.weights).max()))
    ax.imshow(rule.weights, cmap="RdBu", vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    words = HROT_NEIGHBOURHOODS[rule.neighbourhood].split(" (")[0].replace(" ", "\n")
    ax.set_title(f"N{rule.neighbourhood}\n{words}", fontsize=8)
fig.tight_layout()

# %%
GOLDEN = FIXTURES.parent
for case in ("hrot_l2_c2", "hrot_star", "hrot_custom", "hrot_weighted_negative", "hrot_moore_dying"):
    first, rulestring = load_rle(GOLDEN / f"{case}.start.rle")
    last, _ = load_rle(GOLDEN / f"{case}.end.rle")
    ours = lifelab.simulate(rulestring, first[None], 10)[0, -1]
    print(f"{rulestring:52s} 10 generations: lifelab ends on Golly 4's cells: {np.array_equal(ours, last)}")

# %% [markdown]
# What one trajectory determines is what it shows: the verdict counts the
# observed configurations and says which assumption completes the table.
# Larger than Life on the square-symmetric shapes is learned as box rules
# are (`learn_rule("R2,C0,M1,S2..4,B2..3,N+")`), and HROT count lists that
# are no interval within HROT rules (`R2,C0,S2,4,B3,5,N+`). The custom,
# weighted and hexagonal ones are learned once named: a class is the
# cell's state and the *weighted* count of its live neighbours. Below, a
# custom set of 14 cells with no symmetry of the square (so a plain
# network, not the p4m default) and a weighted neighbourhood with a
# negative weight, each learned from random boards and read back from the
# network on its classes; and a rule with dying states (`C4`: a live cell
# that does not survive passes through states 2 and 3), whose network has
# one channel per state (the rounds a network takes can differ with a
# CPU's float rounding, so this cell's output is not checked; the tests check
# the same rules).

# %% tags=["nbval-ignore-output"]
from lifelab.loop import learn_rule
from lifelab.viz import plot_class_test

named = {"R2,C0,S2-3,B3,N@A8A0FF": "small", "R1,C0,S1-3,B2-3,NW1F1202121": "small", "R2,C4,S3-7,B4-6": "tied"}
fig, axes = plt.subplots(len(named), 1, figsize=(9, 5.4))
for ax, (text, model) in zip(axes, named.items()):
    found = learn_rule(text, model=model, seed=0, max_rounds=6, progress=False)
    nb = found.rounds[-1].extraction.classes.neighbourhood
    print(f"{text}: counts {nb.low}..{nb.high}, symmetry {nb.symmetry}; {found.verdict.label} "
          f"after {len(found.rounds)} round(s); read back from the network: {found.extracted == found.rule}")
    plot_class_test(found.rounds[-1].extraction.classes, ax=ax, title=f"{text}: the network's decision per class")
fig.tight_layout()
