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
# # 05 · The active-learning loop
#
# Step 6 of the research programme, closed end to end. One round of
# `lifelab.loop.run.learn_rule`:
#
# 1. the **data supply agent** holds the visible trajectories: one at the
#    start, one more per round, newer ones weighing more;
# 2. the **network** trains on them, warm-started from the round before,
#    until every visible cell is predicted right with probability ≥ 0.95;
# 3. the **rule is read out** of it (notebook 04's extraction), with a
#    confidence for each of the 512 3x3 patterns;
# 4. the oracle simulates one **more trajectory**, held out from training,
#    and the rule is checked against it;
# 5. the **evidence** of every trajectory seen so far gives the verdict
#    (notebook 07): which 3x3 patterns were observed and where they went.
#    The loop **stops** when the data determine the rule, under at most the
#    assumption the network's architecture makes (a tied 3x3 p4m network
#    cannot tell apart patterns with the same centre, live edge neighbours
#    and live corner neighbours), and the network's rule is that rule.
#    Otherwise the held-out trajectory becomes visible and the loop goes
#    round again.
#
# The next trajectory starts either from a fresh random board, or, in
# *query* mode, from a board made of the patterns the data have not shown
# yet and then those the network is least sure about, so that the oracle's
# answer is exactly what is missing.
#
# The same loop is the headless main job: `lifelab learn B36/S23` (`make demo`).

# %%
import matplotlib.pyplot as plt
import numpy as np

import lifelab
from lifelab.loop import learn_rule
from lifelab.viz import (
    compare_recovery,
    loop_replay,
    plot_board,
    plot_difference,
    plot_evidence,
    trajectory_slider,
    wide_text_scrolls,
)

print("device:", lifelab.get_device())

wide_text_scrolls()  # long table lines scroll sideways instead of wrapping

# %% tags=["parameters"]
MOORE_RULE = "B3/S23"  # Conway's Life
VON_NEUMANN_RULE = "B2/S013V"  # a von Neumann rule from the research notes
MODEL, GROUP = "tied", "p4m"  # weight-tied p4m CNN (try "e2cnn", "minimal", "multiscale", "table")
SEED, MAX_ROUNDS = 0, 10
# the scarce setting of the random-vs-query comparison: small, short, sparse trajectories
SCARCE = {"shape": (16, 16), "steps": 8, "density": 0.15}
SCARCE_ROUNDS = 15
COMPARE_RULES = ["B3/S23", "B36/S23", "B345/S5", "B13/S012V"]
COMPARE_SEEDS = 3
SHOWCASE_RULE = "B345/S5"  # one of COMPARE_RULES, whose confidence maps are drawn

# %% [markdown]
# ## Conway's Life, from one trajectory
#
# Each round prints one line: how many trajectories the network has seen,
# the rule it computes, how sure it is, whether the rule regenerates the
# data it saw and a trajectory it did not, how many of the 512 patterns the
# data have never shown, and the verdict.

# %% tags=["nbval-ignore-output"]
# epochs, confidences and seconds depend on the CPU's floating-point order; the checks follow below
life = learn_rule(MOORE_RULE, model=MODEL, group=GROUP, seed=SEED, max_rounds=MAX_ROUNDS)
print(life.table())
print()
print(life.summary())

# %%
print("rule found:", life.rule, "| oracle:", life.truth, "| recovered exactly:", life.recovered)
print("verdict:", life.verdict.label, "| stopped:", life.stop_reason)
print("one more visible trajectory per round:", [r.visible for r in life.rounds] == list(range(1, len(life.rounds) + 1)))
print("the network's rule is the rule the data determine:", life.extracted == life.rule)
print()
print(life.verdict.sentence())

# %%
fig = life.plot()

# %% [markdown]
# ## A von Neumann rule
#
# The network is the same 3x3 architecture; the extraction finds that only
# the centre and its four edge neighbours matter, and the rule is written in
# von Neumann notation.

# %% tags=["nbval-ignore-output"]
# epochs, confidences and seconds depend on the CPU's floating-point order; the checks follow below
von_neumann = learn_rule(VON_NEUMANN_RULE, model=MODEL, group=GROUP, seed=SEED, max_rounds=MAX_ROUNDS)
print(von_neumann.table())
print()
print(von_neumann.summary())

# %%
print("rule found:", von_neumann.rule, "| neighbourhood:", von_neumann.rule.neighbourhood,
      "| recovered exactly:", von_neumann.recovered)
print("cells the network looks at:", von_neumann.rounds[-1].extraction.sensitivity.offsets)

# %%
fig = von_neumann.plot()

# %% [markdown]
# ## Random or query collection?
#
# With 32x32 boards of 16 steps, one random trajectory and the one held out
# show every 3x3 pattern, and both modes stop after one round (see
# `bench/recover.py`). Collection matters when each trajectory shows little:
# small, short, sparse boards (`SCARCE`). There the crowded patterns almost
# never occur at random, and without them the data cannot decide the rule.
# Query mode asks for them.
#
# A query board: every 4x4 slot holds one pattern with dead cells around it,
# so the slot's centre sees exactly that pattern at the first step. The
# patterns are those of classes never observed (one per class, turned by a
# random symmetry the assumed family does not tell apart), then the ones the
# network is least sure about.

# %% tags=["nbval-ignore-output"]
# trajectory counts per run depend on the CPU's floating-point order; the summary check follows below
comparison = compare_recovery(COMPARE_RULES, [MODEL], ("random", "query"), range(COMPARE_SEEDS),
                              max_rounds=SCARCE_ROUNDS, **SCARCE)  # what bench/recover.py runs
runs = {(rule, mode, seed): report for (rule, _, mode, seed), report in comparison.runs.items()}
print(f"{'rule':12s} {'mode':7s} {'recovered':>9s}  trajectories seen per seed, verdicts")
for rule in COMPARE_RULES:
    for mode in ("random", "query"):
        batch = [runs[rule, mode, s] for s in range(COMPARE_SEEDS)]
        print(f"{rule:12s} {mode:7s} {sum(bool(r.recovered) for r in batch):>5d}/{COMPARE_SEEDS:<3d}  "
              f"{[r.used for r in batch]}  {sorted({r.verdict.rung for r in batch})}")

# %%
recovered = {mode: sum(bool(r.recovered) for (_, m, _), r in runs.items() if m == mode) for mode in ("random", "query")}
wrong = sum(bool(r.wrong) for r in runs.values())
print(f"runs per mode: {len(runs) // 2}")
print("query mode recovered at least as many rules:", recovered["query"] >= recovered["random"])
print("query mode recovered every rule from every seed:", recovered["query"] == len(runs) // 2)
print("runs whose verdict names a wrong rule:", wrong)

# %%
fig, (ax_bar, ax_query) = plt.subplots(1, 2, figsize=(12, 3.6), gridspec_kw={"width_ratios": [2, 1]})
x = np.arange(len(COMPARE_RULES))
for i, mode in enumerate(("random", "query")):
    done = [sum(bool(runs[rule, mode, s].recovered) for s in range(COMPARE_SEEDS)) for rule in COMPARE_RULES]
    seen = [np.mean([runs[rule, mode, s].used for s in range(COMPARE_SEEDS)]) for rule in COMPARE_RULES]
    bars = ax_bar.bar(x + (i - 0.5) * 0.38, seen, width=0.38, label=mode)
    for bar, n in zip(bars, done):
        ax_bar.annotate(f"{n}/{COMPARE_SEEDS}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=8)
ax_bar.set_xticks(x, COMPARE_RULES)
ax_bar.set(ylabel="trajectories seen (mean); label: recovered",
           title=f"scarce data: {SCARCE}, at most {SCARCE_ROUNDS} rounds")
ax_bar.legend()
example = runs[COMPARE_RULES[0], "query", 0]
plot_board(example.rounds[0].query, ax=ax_query, title=f"{COMPARE_RULES[0]}: the query board after round 1")
fig.tight_layout()

# %% [markdown]
# Why: the evidence of one run of each mode on `SHOWCASE_RULE` (Long Life)
# at its last round (notebook 04's layout: each square one of the 512
# patterns, in a column by its number of live neighbours; birth on the left,
# survival on the right). Deep red and blue: the data showed where the
# pattern goes. Pale: never observed, and the network's guess. Random
# trajectories on sparse boards never show the crowded patterns; the query
# boards ask for them.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
for ax, mode in zip(axes, ("random", "query")):
    report = runs[SHOWCASE_RULE, mode, 0]
    plot_evidence(report.verdict, ax=ax, title=f"{mode} collection, round {len(report.rounds)}: "
                                               f"{report.verdict.label}")
fig.tight_layout()

# %% [markdown]
# ## The verified rule as a simulator
#
# The extracted Life rule, run by lifelab's simulator from a board none of
# the loop's trajectories started from, next to the truth.

# %%
board = lifelab.random_boards(1, (48, 48), density=0.4, seed=2024)
truth = lifelab.simulate(MOORE_RULE, board, 60)[0]
found = lifelab.simulate(life.rule, board, 60)[0]
print("identical for 60 steps:", np.array_equal(truth, found))
fig, axes = plt.subplots(1, 3, figsize=(11, 3.6))
plot_board(truth[60], ax=axes[0], title=f"truth {MOORE_RULE}, t=60")
plot_board(found[60], ax=axes[1], title=f"extracted {life.rule}, t=60")
plot_difference(truth[60], found[60], ax=axes[2], labels=("truth", "extracted"), title="difference")
fig.tight_layout()

# %%
trajectory_slider({f"truth {MOORE_RULE}": truth, f"extracted {life.rule}": found}, columns=2)

# %% [markdown]
# ## Replay the rounds
#
# Pick a run and step through its rounds: the trajectory revealed for the
# round (a query board in query mode), the table the network computes with
# its confidence, and the round's figures.

# %%
replay = {f"{MOORE_RULE} (random)": life, f"{VON_NEUMANN_RULE} (random)": von_neumann}
replay.update({f"{rule} scarce, {mode}, seed 0": runs[rule, mode, 0]
               for rule in COMPARE_RULES for mode in ("random", "query")})
loop_replay(replay)
