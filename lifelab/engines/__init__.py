"""Simulation: the numpy and compiled engines behind ``simulate``, and the seagull bridge."""

# isort: off  (in the layer's own order)
from lifelab.engines.simulation import (
    B0_MODES,
    ENGINES,
    PackedHistory,
    checked_trajectories,
    golly_b0,
    lifeform_names,
    place_lifeforms,
    random_boards,
    run_seagull,
    simulate,
)

# isort: on

__all__ = [
    "B0_MODES",
    "ENGINES",
    "PackedHistory",
    "checked_trajectories",
    "golly_b0",
    "lifeform_names",
    "place_lifeforms",
    "random_boards",
    "run_seagull",
    "simulate",
]
