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
# # 04 · Kernels and rule extraction
#
# Steps 4, 5 and 7 of the research programme: feed the trained network every
# 3x3 pattern (the *indicator dataset*), turn its confident answers into an
# explicit rule, write that rule in the kernel form seagull's convolution
# simulator runs, check it regenerates the data, and look inside the
# network: its kernels, and whether its first layer has learned to count
# neighbours.
#
# The models are notebook 03's (same settings, same checkpoints under
# `data/checkpoints/`); any that are missing are trained here.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

import lifelab
from lifelab.evidence import generator_check
from lifelab.geometry import MAP_WEIGHTS, configuration_counts
from lifelab.learning import (
    count_kernel_similarity,
    extract_rule,
    first_layer_kernels,
    indicator_patterns,
    load_or_generate,
    rollout,
)
from lifelab.viz import (
    animate_trajectory,
    fit_zoo_model,
    plot_confidence,
    plot_count_kernels,
    plot_kernels,
    plot_sensitivity,
    plot_snapshot_grid,
    wide_text_scrolls,
)

wide_text_scrolls()  # long table lines scroll sideways instead of wrapping

# %% tags=["parameters"]
RULES = [r.rulestring for r in lifelab.named_rules(studied_only=True)]  # the nine rules
MODEL = "e2cnn-p4m"  # the zoo entry read on every rule
# data and training settings: keep them equal to notebook 03's to reuse its checkpoints
N_TRAJ, SIZE, STEPS, DENSITY, EPOCHS = 8, 32, 16, 0.4, 100
CONTEXTS = 4  # surroundings each pattern is evaluated in
THRESHOLD = 0.9  # confidence below which a pattern is flagged
SEED = 0

# %%
device = lifelab.get_device()
rng = lifelab.seed_everything(SEED)
settings = dict(n_traj=N_TRAJ, size=SIZE, steps=STEPS, density=DENSITY, seed=SEED, epochs=EPOCHS, device=device)

# %% [markdown]
# ## 1. The indicator dataset
#
# Every binary 3x3 pattern, in Golly's MAP order: pattern `i` has the cell
# of MAP weight `2^j` alive when bit `j` of `i` is set (NW = 256 ... SE = 1),
# so the network's answers, in order, are a rule table.

# %%
patterns = indicator_patterns(3, 3)
print(patterns.shape, "MAP order holds:", bool(((patterns * MAP_WEIGHTS).sum(axis=(1, 2)) == np.arange(512)).all()))
print(patterns[448].astype(int))  # 448 = 256 + 128 + 64: the top row alive

# %% [markdown]
# The count explodes with the window: 2^25 patterns for 5x5.  lifelab does
# not enumerate big windows; it finds the cells that can change the
# decision and enumerates only those (section 4).

# %%
try:
    indicator_patterns(5, 5)
except ValueError as err:
    print("ValueError:", err)

# %% [markdown]
# ## 2. Extracting the nine rules

# %% tags=["nbval-ignore-output"]
# progress bars only (training runs only where notebook 03's checkpoints are missing)
models = {rule: fit_zoo_model(MODEL, rule, **settings) for rule in RULES}

# %%
results = {rule: extract_rule(models[rule][0], contexts=CONTEXTS, threshold=THRESHOLD, seed=SEED) for rule in RULES}
for rule, result in results.items():
    print(f"{rule:14s} -> {str(result.rule):14s} identical: {result.rule == lifelab.Rule.parse(rule)}  "
          f"({result.patterns_evaluated} patterns, symmetry {result.group})")

# %% [markdown]
# The model is p4m-equivariant (checked numerically before it is trusted), so
# one pattern per orbit of the dihedral group is enough: 102 of the 512
# Moore patterns.  For the von Neumann rules the probe finds that only 5 cells
# matter, and 12 patterns (the orbits of 2^5) settle the rule.
#
# One extraction in full:

# %%
print(results["B36/S23"].summary())

# %% [markdown]
# ## 3. How sure is the network?
#
# Each square is one of the 512 patterns, in the column of its live Moore
# neighbour count (left: centre dead, the birth conditions; right: centre
# alive, survival).  Red: alive next; blue: dead next; pale: unsure.  A
# Moore rule gives single-coloured columns; the von Neumann rules mix,
# because they ignore the corners.

# %%
fig, axes = plt.subplots(3, 3, figsize=(15, 11))
for ax, rule in zip(axes.ravel(), RULES):
    plot_confidence(results[rule], ax=ax, title=f"{rule}: extracted {results[rule].rule}")
fig.tight_layout()

# %% [markdown]
# The pale squares are patterns the network decides by a thin margin.  With
# these data they are not unseen patterns: all 512 occur in the training
# boards (last column below).  Training stops as soon as every training
# transition is right, so nothing forces a wide margin.  These are the
# patterns an active-learning round should ask about.

# %% tags=["nbval-ignore-output"]
# Margins depend on the last digits of training; the extracted rules above are what nbval compares.
for rule in RULES:
    r = results[rule]
    seen = configuration_counts(models[rule][2][0].tensors()[0][:, 1].bool().numpy())
    unsure = np.array(r.low_confidence, dtype=int)
    print(f"{rule:14s} lowest confidence {r.confidence.min():.3f}; {len(unsure):3d} patterns below {THRESHOLD}, "
          f"{int((seen[unsure] == 0).sum()) if unsure.size else 0} of them never in the training boards")

# %% [markdown]
# ## 4. Models that see further than 3x3
#
# `SimpleCNNSmall` has 5x5 kernels; `MultiScale` stacks 3x3, 5x5 and dilated
# layers into a 9x9 receptive field.  Extraction does not assume the
# answer is 3x3: it flips single cells of random boards and records which
# offsets ever change the prediction (outlined in red).  The grey level is
# the largest change of the predicted probability.

# %% tags=["nbval-ignore-output"]
# progress bars only
wide = {label: fit_zoo_model(label, "B3/S23", **settings)[0] for label in ("minimal", "small", "multiscale")}

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
for ax, (label, model) in zip(axes, wide.items()):
    result = extract_rule(model, contexts=CONTEXTS, seed=SEED)
    plot_sensitivity(result.sensitivity, ax=ax, title=f"{label}: {result.rule}")
    print(f"{label:10s} decisive cells {len(result.sensitivity.offsets)}, local: {result.local}, "
          f"extracted {result.rule}, context-dependent patterns: {len(result.context_dependent)}")
fig.tight_layout()

# %% [markdown]
# Outer weights that are not zero (grey outside the 3x3) do not matter as
# long as they never change a decision: the rule is then read over the 3x3
# window.  A model for which some far cell did change a decision on a probe
# board is reported as not local, with the offsets, and gets no rule: the
# probe found such a cell for `multiscale` (outlined in red), so its
# decisions are not those of any 3x3 rule, however close it comes to Life.
# (The probe covers the model's whole receptive field, 7 cells each way for
# `multiscale`.)  A model that looks further on purpose is reported the same
# way.  Here is a hand-made one that copies the cell two columns to the right:

# %%
shift = torch.nn.Conv2d(2, 2, 5, padding=2, padding_mode="circular")
with torch.no_grad():
    shift.weight.zero_()
    shift.bias.zero_()
    shift.weight[1, 1, 2, 4] = 10.0
    shift.bias[1] = -5.0
print(extract_rule(shift).summary())

# %% [markdown]
# ## 5. The kernel form seagull runs
#
# seagull computes a step by convolution: count the neighbours with a
# kernel, then look the count up.  `rule.seagull_rule()` is the extracted
# rule in that form, and seagull's own `Simulator` runs it.

# %%
for rule in ("B36/S23", "B2/S013V"):
    extracted = results[rule].rule
    form = extracted.seagull_rule()
    print(f"{extracted}: neighbour-count kernel\n{form.kernel}\n"
          f"birth at counts {np.flatnonzero(form.lookup[0]).tolist()}, "
          f"survival at counts {np.flatnonzero(form.lookup[1]).tolist()}")
    board = lifelab.random_boards(1, (24, 24), 0.4, seed=7)[0]
    same = np.array_equal(lifelab.run_seagull(extracted, board, 30), lifelab.simulate(rule, board, 30)[0])
    print(f"seagull.Simulator with the extracted rule == simulate with the true rule over 30 steps: {same}\n")

# %% [markdown]
# ## 6. The generator check
#
# Simulate the extracted rule from each trajectory's first board and compare
# with the data, cell by cell and transition by transition.

# %%
for rule in RULES:
    data = load_or_generate(rule, N_TRAJ, (SIZE, SIZE), STEPS, density=DENSITY, seed=SEED)
    print(f"{rule:14s} {generator_check(results[rule].rule, data).summary()}")

# %% [markdown]
# ## 7. Reading the kernels
#
# Every convolution of a trained model on one shared, centred colour scale.
# For the weight-tied model the first layer is its handful of free values
# (per output channel: corner, edge and centre weight for the dead and the
# alive input channel); for the e2cnn model, the filters after `.export()`.

# %% tags=["nbval-ignore-output"]
# progress bars only
tied = {rule: fit_zoo_model("tied-p4m", rule, **settings)[0] for rule in ("B3/S23", "B2/S013V")}

# %%
fig = plot_kernels(tied["B3/S23"])
_ = fig.suptitle("TiedCNN p4m trained on B3/S23", x=0.1, ha="left")

# %%
fig = plot_kernels(models["B3/S23"][0])
_ = fig.suptitle(f"{MODEL} trained on B3/S23, exported (first 32 output channels)", x=0.1, ha="left")

# %% [markdown]
# Did the network discover "count the neighbours"?  The one-hot input means
# a first-layer channel sees the board through `W_alive - W_dead`.  Leaving
# out the centre weight (which tells the cell's own state apart), we compare
# the eight neighbour weights with the Moore count kernel (all ones) and the
# von Neumann one (edges only): a cosine of 1 means the channel counts
# exactly that neighbourhood.  Below, the strongest channels of the plain
# 3x3 baseline on Life and of the tied model on Life and on `B2/S013V`
# (M: Moore, V: von Neumann).

# %%
first = {"MinimalCNN on B3/S23": wide["minimal"], "TiedCNN p4m on B3/S23": tied["B3/S23"],
         "TiedCNN p4m on B2/S013V": tied["B2/S013V"]}
fig, axes = plt.subplots(3, 12, figsize=(13, 5.4))
for row, (name, model) in zip(axes, first.items()):
    kernels = first_layer_kernels(model)
    plot_count_kernels(kernels, count_kernel_similarity(kernels), ax_row=row, max_kernels=12)
    row[0].set_ylabel(name, fontsize=7, rotation=0, ha="right")
fig.tight_layout()

# %% tags=["nbval-ignore-output"]
# Weighted means depend on the last digits of training.
for name, model in first.items():
    kernels = first_layer_kernels(model)
    sim = count_kernel_similarity(kernels)
    weight = np.abs(kernels).sum(axis=(1, 2))
    print(f"{name:26s} weighted mean |cos| with Moore {np.average(np.abs(sim['moore']), weights=weight):.2f}, "
          f"with von Neumann {np.average(np.abs(sim['vonneumann']), weights=weight):.2f}")

# %% [markdown]
# On Life the channels count all eight neighbours alike; on the von Neumann
# rule the tied model puts its weight on the edges and leaves the corners
# near zero.  The count is there in the weights.
#
# ## 8. The network as a simulator, next to the rule
#
# The trained HighLife network rolled out on a fresh random board, next to
# the true rule (snapshots, and a GIF under `data/`).

# %%
board = lifelab.random_boards(1, (48, 48), 0.35, seed=5)[0]
net = rollout(models["B36/S23"][0], board, 60, device=device)[0]
true = lifelab.simulate("B36/S23", board, 60)[0]
print("network and rule agree at every step:", bool((net == true).all()))
fig = plot_snapshot_grid({"network": net, "B36/S23": true}, times=[0, 15, 30, 60])

# %%
path = animate_trajectory({"network": net, "rule": true}, lifelab.data_dir() / "04_highlife_network_vs_rule.gif",
                          title="HighLife")
print(path.name)

# %% [markdown]
# ## Summary

# %%
print(f"{'rule':14s} {'model':10s} {'extracted':14s} {'exact':6s} {'patterns evaluated':>18s}")
for rule, result in results.items():
    exact = "yes" if result.rule == lifelab.Rule.parse(rule) else "no"
    print(f"{rule:14s} {MODEL:10s} {str(result.rule):14s} {exact:6s} {result.patterns_evaluated:18d}")
