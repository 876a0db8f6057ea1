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
# # 01 · Simulating Life-like rules with seagull
#
# Step 1 of the research programme: produce trajectories of Conway's Game of
# Life and eight of its relatives.  We start with
# [seagull](https://pyseagull.readthedocs.io/) as it is meant to be used
# (a `Board`, some lifeforms, a `Simulator`), then run every rule of the study
# through lifelab's `Rule`, which feeds seagull a rule it cannot parse on its
# own (von Neumann neighbourhoods) and simulates whole batches of boards fast.

# %%
import matplotlib.pyplot as plt
import numpy as np
import seagull as sg
from loguru import logger
from seagull.lifeforms import Glider, Pulsar

import lifelab
from lifelab import Rule, named_rules, place_lifeforms, random_boards, run_seagull, simulate
from lifelab.viz import (
    animate_trajectory,
    plot_board,
    plot_difference,
    plot_population,
    plot_snapshot_grid,
    trajectory_slider,
    wide_text_scrolls,
)

wide_text_scrolls()  # long table lines scroll sideways instead of wrapping
logger.disable("seagull")  # seagull logs every run's statistics through loguru

# %% tags=["parameters"]
SIZE = 48  # board side for the rule gallery and the population curves
STEPS = 60  # steps per trajectory
N_BOARDS = 64  # random boards per rule for the population curves
DENSITY = 0.5  # initial live-cell density
SEED = 0

# %%
device = lifelab.get_device()  # unused here: simulation runs bit-packed on the CPU
rng = lifelab.seed_everything(SEED)

# %% [markdown]
# ## 1. seagull as it comes: a board, lifeforms and a simulator
#
# Three pulsars on a 19x60 board, run for 30 steps with seagull's own
# Conway rule.  `get_history()` holds the initial board plus one board per
# step: shape `[iters + 1, H, W]`.

# %%
board = sg.Board(size=(19, 60))
for col in (1, 22, 42):
    board.add(Pulsar(), loc=(1, col))
sim = sg.Simulator(board)
stats = sim.run(sg.rules.conway_classic, iters=30)
history = sim.get_history()
print("history:", history.shape, history.dtype)
print({k: round(float(v), 4) for k, v in stats.items()})

# %% [markdown]
# A pulsar has period 3, so the board at step 30 equals the board at step 0.
# lifelab's `Rule` plugs into the same simulator through `rule.seagull_rule()`,
# and its batched `simulate` gives the same history cell for cell.

# %%
life = Rule.parse("B3/S23")
sim_bridge = sg.Simulator(board)
sim_bridge.run(life.seagull_rule(), iters=30)
print("period 3:", np.array_equal(history[30], history[0]))
print("seagull rule == lifelab bridge:", np.array_equal(history, sim_bridge.get_history()))
print("seagull rule == lifelab simulate:", np.array_equal(history, simulate(life, board.state, 30)[0]))
fig, axes = plt.subplots(1, 3, figsize=(12, 1.6))
for ax, t in zip(axes, (0, 1, 2)):
    plot_board(history[t], ax=ax, title=f"pulsars, t={t}")

# %% [markdown]
# ## 2. One rule, every notation
#
# A rule is a 512-entry truth table (one entry per 3x3 neighbourhood,
# indexed with Golly's MAP weights NW=256 ... SE=1).  Every notation is a view
# of it, and `str(rule)` prints the simplest exact one.

# %%
for text in ["B36/S23", "b36/s23", "23/36", "HighLife", "B2/S013V"]:
    rule = Rule.parse(text)
    print(f"{text!r:>12} -> {str(rule):<10} name={rule.name!r:<12} {rule.to_map()[:24]}...")

# %% [markdown]
# ## 3. The nine rules of the study, side by side
#
# The same random soup (a 16x16 square at density 0.5 in the middle of a
# 48x48 torus) under each rule.

# %%
studied = named_rules(studied_only=True)
for entry in studied:
    print(f"{entry.name:<12} {entry.rulestring:<14} {entry.rule.neighbourhood:<10} {entry.description}")

# %%
soup = np.zeros((SIZE, SIZE), dtype=bool)
c = SIZE // 2
soup[c - 8 : c + 8, c - 8 : c + 8] = random_boards(1, (16, 16), density=DENSITY, seed=SEED)[0]
gallery = {f"{e.name}\n{e.rulestring}" if e.name != e.rulestring else e.rulestring: simulate(e.rule, soup, STEPS)[0]
           for e in studied}
fig = plot_snapshot_grid(gallery, times=[0, 2, 5, 15, 30, STEPS])

# %% [markdown]
# ## 4. Why seagull alone gets the von Neumann rules wrong
#
# seagull parses rulestrings with a loose regular expression: it drops the
# `V` suffix and reads `B2/S013V` as the Moore rule `B2/S013`, and it accepts
# impossible counts such as `B3/S239`.  lifelab's parser refuses both, and
# `rule.seagull_rule()` hands seagull the von Neumann count kernel instead.

# %%
print("seagull parses 'B2/S013V' as", sg.rules._parse_rulestring("B2/S013V"), "(Moore counts)")
print("seagull parses 'B3/S239'  as", sg.rules._parse_rulestring("B3/S239"))
for bad in ["B3/S239", "B5/S2V"]:
    try:
        Rule.parse(bad)
    except ValueError as error:
        print(f"lifelab: {bad!r}: {error}")

# %%
start = random_boards(1, (32, 32), density=0.3, seed=SEED)[0]
for rulestring in ["B2/S013V", "B13/S012V"]:
    sim_loose = sg.Simulator(sg.Board(size=start.shape))
    sim_loose.board.state = start.copy()
    sim_loose.run(sg.rules.life_rule, iters=20, rulestring=rulestring)
    loose = sim_loose.get_history()
    exact = run_seagull(rulestring, start, 20)
    diff = (loose != exact).sum(axis=(1, 2))
    print(f"{rulestring}: cells that differ at steps 1, 5, 20: {diff[1]}, {diff[5]}, {diff[20]}")
fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
plot_board(loose[5], ax=axes[0], title="seagull's reading (Moore B13/S012), t=5")
plot_board(exact[5], ax=axes[1], title="von Neumann B13/S012V, t=5")
plot_difference(loose[5], exact[5], ax=axes[2], labels=("seagull", "lifelab"), title="difference")
fig.tight_layout()

# %% [markdown]
# ## 5. Population curves
#
# `simulate` advances a batch of boards at once (bit-packed, 64 cells per
# machine word).  Mean live fraction over 64 random boards per rule, with a
# band from the 10th to the 90th percentile.

# %%
boards = random_boards(N_BOARDS, (SIZE, SIZE), density=DENSITY, seed=SEED)
trajectories = {e.rulestring: simulate(e.rule, boards, STEPS) for e in studied}
print(f"{'rule':<14} {'t=0':>6} {'t=' + str(STEPS):>7}  died out")
for name, traj in trajectories.items():
    pop = traj.mean(axis=(2, 3))
    print(f"{name:<14} {pop[:, 0].mean():6.3f} {pop[:, -1].mean():7.3f}  {np.mean(traj[:, -1].sum(axis=(1, 2)) == 0):.0%}")
fig = plot_population(trajectories)

# %% [markdown]
# Speed on this machine (timings vary from run to run; `bench/simulate.py`
# measures them properly):

# %% tags=["nbval-ignore-output"]
# nbval-ignore-output: wall-clock timings differ on every run.
# %timeit -n 1 -r 3 simulate(life, boards, STEPS)
# %timeit -n 1 -r 1 [run_seagull(life, b, STEPS) for b in boards]

# %% [markdown]
# ## 6. Scrub through time
#
# Drag the slider to move through the first trajectory of three rules.

# %%
slider = trajectory_slider({name: trajectories[name][0] for name in ["B3/S23", "B36/S23", "B2/S013V"]})
print("slider over steps", slider.children[0].min, "to", slider.children[0].max)
slider

# %% [markdown]
# ## 7. An animation: the HighLife replicator
#
# HighLife (`B36/S23`) has a small pattern that copies itself every 12 steps.
# We place it on a 64x64 torus, write the run to a GIF under `data/`, and show
# a few frames.  The copies spread along a diagonal and neighbouring copies
# annihilate in pairs, so at step 12k there are 2^(number of 1 bits of k)
# replicators (Pascal's triangle mod 2): 2 at t=24 and t=48, 4 at t=72.

# %%
replicator = np.array([[0, 0, 1, 1, 1],
                       [0, 1, 0, 0, 1],
                       [1, 0, 0, 0, 1],
                       [1, 0, 0, 1, 0],
                       [1, 1, 1, 0, 0]], dtype=bool)
start = np.zeros((64, 64), dtype=bool)
start[30:35, 30:35] = replicator
run = simulate("HighLife", start, 96)[0]
for t in range(0, 97, 12):
    print(f"t={t:>2}: {int(run[t].sum()):>3} live cells = {int(run[t].sum()) // 12} replicators; "
          f"predicted {2 ** bin(t // 12).count('1')}")
path = animate_trajectory(run, lifelab.data_dir() / "01_highlife_replicator.gif", title="HighLife")
print(f"animation written to {path.name} in lifelab.data_dir()")
fig = plot_snapshot_grid({"HighLife": run}, times=[0, 12, 24, 48, 72, 96], cell_inches=1.8)

# %% [markdown]
# A glider, for comparison, under Life and HighLife alike: it moves one cell
# diagonally every 4 steps and never changes its population.

# %%
glider_board = place_lifeforms((16, 16), [(Glider(), (1, 1))])
for name in ["Life", "HighLife"]:
    traj = simulate(name, glider_board, 16)[0]
    moved = np.array_equal(traj[4], np.roll(traj[0], (1, 1), axis=(0, 1)))
    print(f"{name}: moves (1, 1) every 4 steps: {moved}; population {sorted(set(traj.sum(axis=(1, 2)).tolist()))}")
