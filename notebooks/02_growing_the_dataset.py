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
# # 02 · Growing the dataset
#
# Step 2 of the research programme: the data supply agent.  The network only
# ever sees the *visible* trajectories.  At the start one is visible; each
# active-learning round that continues makes one more visible, and newer
# trajectories weigh more in the loss.  This notebook shows the store on
# disk, the dataset the models train on, and what each extra trajectory adds:
# which 3x3 neighbourhood configurations (of 512) and which birth/survival
# classes (of 18) the network has seen.

# %%
import numpy as np

import lifelab
from lifelab.geometry import count_class_counts
from lifelab.io import TrajectorySpec, load_trajectories
from lifelab.learning import (
    DataSupplyAgent,
    TrajectoryDataset,
    cumulative_coverage,
    load_or_generate,
    trajectory_weights,
)
from lifelab.viz import plot_dataset_growth, visible_count_slider, wide_text_scrolls

wide_text_scrolls()  # long table lines scroll sideways instead of wrapping

# %% tags=["parameters"]
RULE = "B3/S23"  # the oracle rule
N_TRAJ = 16  # trajectories available
SIZE = 32  # board side
STEPS = 32  # steps per trajectory
DENSITY = 0.5
SEED = 0

# %%
device = lifelab.get_device()
rng = lifelab.seed_everything(SEED)

# %% [markdown]
# ## 1. The trajectory store
#
# Trajectories are simulated once and cached under `data/` as bit-packed
# `.npz` files (8 cells a byte) with their metadata.  Asking again with the
# same parameters loads the file; a file that does not match what is asked
# for is refused with a message naming it.

# %%
spec = TrajectorySpec(str(lifelab.Rule.parse(RULE)), N_TRAJ, (SIZE, SIZE), STEPS, DENSITY, SEED)
path = lifelab.data_dir() / spec.filename()
trajectories = load_or_generate(RULE, N_TRAJ, (SIZE, SIZE), STEPS, density=DENSITY, seed=SEED)
again = load_or_generate(RULE, N_TRAJ, (SIZE, SIZE), STEPS, density=DENSITY, seed=SEED)
print("file:", path.name)
print("array:", trajectories.shape, trajectories.dtype, f"({trajectories.nbytes / 1024:.0f} KiB as bool)")
print(f"on disk: {path.stat().st_size / 1024:.0f} KiB; second call identical: {np.array_equal(trajectories, again)}")
print("metadata:", {k: v for k, v in load_trajectories(path)[1].items() if k != "lifelab"})
try:
    load_trajectories(path, expect={"rule": "B36/S23"})
except ValueError as error:
    print("refused:", str(error).replace(str(lifelab.data_dir()), "data"))

# %% [markdown]
# ## 2. The dataset: visible trajectories, weighted transitions
#
# A sample is a transition `(x_t, x_{t+1}, weight)`: the input one-hot as
# two channels (what the models take), the target as class indices (what
# cross-entropy takes), and the weight of its trajectory.

# %%
dataset = TrajectoryDataset(trajectories, visible=1, weighting="linear")
x, y, w = dataset[0]
print(f"visible {dataset.visible} of {dataset.available}: {len(dataset)} transitions")
print("x_t:", tuple(x.shape), x.dtype, " x_t+1:", tuple(y.shape), y.dtype, " weight:", w.item())
for _ in range(3):
    dataset.reveal()
    print(f"visible {dataset.visible}: {len(dataset)} transitions, weights {np.round(dataset.weights(), 3).tolist()}")
train, val = dataset.split(val_fraction=0.25, seed=SEED)
print("split by trajectory: train", train.visible_indices, " validation", val.visible_indices)
xb, yb, wb = next(iter(dataset.loader(batch_size=8, device=device)))
print("a batch:", tuple(xb.shape), tuple(yb.shape), tuple(wb.shape))

# %% [markdown]
# Weights rise from the oldest visible trajectory to the newest and average
# 1, so the loss keeps its scale as trajectories are added.  `linear` gives
# the k-th oldest weight proportional to k, `geometric` to 2^k; `uniform` is
# the baseline.

# %%
for scheme in ("uniform", "linear", "geometric"):
    print(f"{scheme:>9}:", np.round(trajectory_weights(6, scheme), 3).tolist())

# %% [markdown]
# ## 3. What each trajectory adds
#
# Count the 3x3 configurations at the inputs `x_t` as trajectories become
# visible, and fold them into the 18 birth/survival classes (centre state x
# number of live Moore neighbours).

# %%
coverage = cumulative_coverage(trajectories)
print(f"{'visible':>7} {'transitions':>11} {'configs seen':>12} {'seen >= 10x':>12} {'rarest class':>22}")
for k in (1, 2, 4, 8, N_TRAJ):
    classes = count_class_counts(coverage[k - 1])
    state, count = np.unravel_index(classes.argmin(), classes.shape)
    rarest = f"{'alive' if state else 'dead'}, {count} nbrs: {int(classes.min())}"
    print(f"{k:>7} {k * STEPS:>11} {int((coverage[k - 1] > 0).sum()):>8}/512 {int((coverage[k - 1] >= 10).sum()):>8}/512"
          f" {rarest:>22}")

# %%
fig = plot_dataset_growth(coverage, visible=4)

# %% [markdown]
# On a 32x32 soup one trajectory already shows every configuration at least
# once, but not evenly: the crowded classes (a cell with 7 or 8 live
# neighbours) occur a handful of times, against thousands for the empty
# neighbourhood, because Life burns a random soup down to sparse ash within
# a few steps.  Each visible trajectory adds a few more examples of them;
# the loop (notebook 05) can instead ask for trajectories built around the
# patterns the network is least sure about.  Smaller boards or sparser soups
# leave real gaps: try `SIZE = 12` or `DENSITY = 0.2` in the parameters.
#
# Drag the slider to change the number of visible trajectories:

# %%
visible_count_slider(trajectories, value=4)

# %% [markdown]
# ## 4. The data supply agent
#
# In the active-learning loop the agent owns the data.  With an oracle rule
# it simulates each new trajectory from a fresh seed (drawn from its own
# seed, so the run is reproducible) and reveals one more per round.

# %%
agent = DataSupplyAgent(RULE, shape=(SIZE, SIZE), steps=STEPS, seed=SEED, weighting="geometric")
for _ in range(3):
    agent.reveal()
print("visible:", agent.visible, " trajectories:", agent.visible_trajectories.shape)
print("weights:", np.round(agent.weights(), 3).tolist())
print("dataset:", len(agent.dataset()), "transitions")

# %% [markdown]
# It also takes observed data whose rule is unknown: an array
# `(n, T+1, H, W)` of cell states (0/1, or 0 to n-1 for a multi-state rule),
# validated before use.

# %%
external = DataSupplyAgent(trajectories[:3].astype(np.uint8))
print("external: visible", external.visible, "of", external.available, "; rule:", external.rule)
for bad in (np.full((1, 4, 8, 8), 0.5), np.zeros((8, 8))):
    try:
        DataSupplyAgent(bad)
    except ValueError as error:
        print("refused:", error)
