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
# # 08 · The wider Life-like world: isotropic, Generations, Larger than Life
#
# The research notes ask for more than outer-totalistic rules: "change the
# shape of the neighbourhood, make its contributions anisotropic". Golly, the
# notation standard, runs three wider families, and lifelab now reads, prints,
# simulates and hands to seagull all of them:
#
# | family | example | what changes |
# |---|---|---|
# | isotropic non-totalistic (Hensel) | `B2-a/S12` | *which* neighbours are alive matters, up to turns and flips |
# | Generations | `/2/3` (Brian's Brain) | more states: live cells die through refractory states |
# | Larger than Life | `R5,C0,M1,S34..58,B34..45,NM` (Bosco's Rule) | a larger neighbourhood (range 5) and count intervals |
#
# Every family is checked against Golly: `tests/golden/` holds boards that
# Golly's batch simulator (`bgolly`) ran, and lifelab ends on exactly the same
# cells.

# %%
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import lifelab
from lifelab import random_boards, run_seagull, simulate
from lifelab.geometry import hensel_classes, letters_for, patterns
from lifelab.io.rle import load_rle, place, read_rle, write_rle
from lifelab.rules import parse_rule, rule_states
from lifelab.viz import plot_board, plot_difference, plot_snapshot_grid, trajectory_slider, wide_text_scrolls

print("device:", lifelab.get_device())

wide_text_scrolls()  # long table lines scroll sideways instead of wrapping

# %% tags=["parameters"]
ISOTROPIC = "B2-a/S12"  # a Hensel isotropic rule
GENERATIONS = "Brian's Brain"  # /2/3
LARGER = "Bosco's Rule"  # R5,C0,M1,S34..58,B34..45,NM
SIZE, STEPS, DENSITY, SEED = 64, 60, 0.4, 0  # Bosco's Rule dies out from 0.3 or 0.5: it wants about 0.4
GOLDEN = Path("../tests/golden")  # Golly's fixtures, relative to this notebook

# %%
device = lifelab.get_device()  # unused here: simulation runs on the CPU engines
rng = lifelab.seed_everything(SEED)

# %% [markdown]
# ## 1. Every spelling Golly reads, and the one it prints
#
# `lifelab.rules.parse_rule` reads any rule type and returns the right object;
# `str()` gives Golly's canonical spelling (for the 2-state 3x3 table the
# simplest exact one: B/S, then V, then H, then Hensel letters, then MAP).

# %%
for text in ["B3S23", "B2cekin/S12", "B2cekian/S12", "MAPHmlphg", "B36/S23:T64,64", "B2/S/3", "g3b2s",
             "B2-a/S12/4", "23/3/2", "R2,C2,M1,S5..9,B6..8,NM", "1,3,3,3,4", "Star Wars"]:
    rule = parse_rule(text)
    print(f"{text:26s} -> {str(rule):32s} {type(rule).__name__:16s} {rule_states(rule)} states")

# %% [markdown]
# ## 2. Hensel's letters
#
# An isotropic rule treats a pattern and its turns and flips alike. With the
# centre fixed, the 8 neighbours fall into 51 such classes, named by the live
# count and a letter. Here are the six classes of two live neighbours, one
# representative each: `B2-a` means "born on two neighbours, except when they
# are the `a` pair".

# %%
classes = hensel_classes()
shapes = patterns()
fig, axes = plt.subplots(1, 6, figsize=(10, 2))
for ax, letter in zip(axes, letters_for(2)):
    members = classes[0, 2, letter]
    plot_board(shapes[members[0]], ax=ax, title=f"2{letter}: {len(members)} patterns")
fig.suptitle("two live neighbours of a dead cell: the six isotropic classes", fontsize=10)
fig.tight_layout()
print("classes per centre state:", sum(1 for c in classes if c[0] == 0),
      "| every pattern in exactly one:", sorted(i for m in classes.values() for i in m) == list(range(512)))

# %% [markdown]
# ## 3. The three families side by side
#
# The same random start for each rule (Brian's Brain starts from live cells
# only; dying states appear in red), simulated by lifelab's batched engines.
# Bosco's Rule needs its density: from 0.3 or 0.5 it dies out.

# %%
rules = {name: parse_rule(name) for name in (ISOTROPIC, GENERATIONS, LARGER)}
start = random_boards(1, (SIZE, SIZE), DENSITY, seed=SEED)[0]
runs = {}
for name, rule in rules.items():
    board = start if rule_states(rule) == 2 else start.astype(np.uint8)
    runs[f"{name}  ({rule})" if name != str(rule) else name] = simulate(rule, board, STEPS)[0]
fig = plot_snapshot_grid(runs, times=[0, 1, 5, 20, STEPS], cell_inches=1.5)

# %% [markdown]
# ## 4. Through seagull's own simulator
#
# seagull counts neighbours by convolution. Each family hands it its *kernel
# form* (`rule.seagull_rule()`): the isotropic rule the 3x3 MAP weights and
# its table; Brian's Brain the Moore count plus its dying state; Bosco's Rule
# an 11x11 count kernel with the cell itself, plus birth and survival
# intervals. This is the researcher's "change the shape of the
# neighbourhood": a larger kernel, nothing else.

# %%
for name, rule in rules.items():
    kernel, lookup, states = rule.kernel_form()
    board = start if states == 2 else start.astype(np.uint8)
    via_seagull = run_seagull(rule, board, 20)
    same = np.array_equal(via_seagull, simulate(rule, board, 20)[0])
    print(f"{name:14s} kernel {kernel.shape[0]}x{kernel.shape[1]}, {states} states: seagull's Simulator agrees "
          f"with lifelab for 20 steps: {same}")

# %% [markdown]
# ## 5. Against Golly
#
# Each fixture is a start board and the board Golly reached on the same
# torus (or bounded plane). lifelab reaches exactly the same cells. The
# `b0_*` rules are run as Golly shows them (`b0="golly"`: Golly emulates
# B0 with complemented rules), and the `hrot_*` boards were made by Golly
# 4's bgolly (notebook 12 draws those neighbourhoods).

# %%
sys.path.insert(0, str(GOLDEN))
from make_golden import CASES  # noqa: E402  (the cases the fixtures were made from: rule, steps, ...)

compared = {}
for case, (_, _, _, steps, *_) in CASES.items():
    first, rulestring = load_rle(GOLDEN / f"{case}.start.rle")
    golly, _ = load_rle(GOLDEN / f"{case}.end.rle")
    ours = simulate(rulestring, first[None], steps, b0="golly")[0, -1]
    compared[case] = (rulestring, ours, golly)
    print(f"{case:22s} {rulestring:52s} cells that differ from Golly: {int((ours != golly).sum())}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(11, 3.8))
for ax, case in zip(axes, ("hensel_b2-a_s12", "brians_brain", "bosco")):
    rulestring, ours, golly = compared[case]
    plot_difference(ours == 1, golly == 1, ax=ax, labels=("lifelab", "Golly"), title=rulestring)
fig.suptitle("live cells after the fixture's steps: lifelab against Golly (no cell only on one side)", fontsize=10)
fig.tight_layout()

# %% [markdown]
# ## 6. Patterns in and out: RLE
#
# A pattern in Golly's RLE (as LifeWiki gives them) goes on a board; a
# board goes back out as RLE with its rule, multi-state included.

# %%
glider, rule_in_file = read_rle("#N Glider\nx = 3, y = 3, rule = B3/S23\nbo$2bo$3o!")
board = place(glider, (12, 12), at=(1, 1))
after = simulate(rule_in_file, board, 4)[0, -1]
print("the glider moved one cell down and right in 4 steps:", np.array_equal(after, np.roll(board, (1, 1), (0, 1))))
frame = simulate(GENERATIONS, place(glider, (8, 8), at=(2, 2)).astype(np.uint8), 1)[0, -1]
print(write_rle(frame, parse_rule(GENERATIONS)))

# %% [markdown]
# A slider over the three runs of section 3.

# %%
trajectory_slider(runs, columns=3)
