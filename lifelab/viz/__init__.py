"""What a notebook shows: pictures, widgets, and the experiments behind them.

One concept a module, in dependency order:

- :mod:`~lifelab.viz.boards`: boards and trajectories, their colours,
  snapshot grids, differences, population curves, animations, a recording
  as it was read;
- :mod:`~lifelab.viz.oned`: 1-D trajectories as space-time diagrams;
- :mod:`~lifelab.viz.training`: what the visible trajectories cover,
  training curves, predicted against true next boards;
- :mod:`~lifelab.viz.evidence`: the 512 patterns as the data show them and
  as the network reads them, data symmetry, the neighbourhood search, the
  active-learning loop round by round;
- :mod:`~lifelab.viz.networks`: kernels, sensitivity, the structure test,
  growing a network's group;
- :mod:`~lifelab.viz.sweeps`: every rule of a family as one pixel;
- :mod:`~lifelab.viz.zoo`: the notebooks' model zoo, built and trained;
- :mod:`~lifelab.viz.comparisons`: the experiments notebooks and benchmarks
  share: growing a network's group against starting over, recovering rules
  with the active-learning loop;
- :mod:`~lifelab.viz.observations`: observations as people hold them:
  windows of a larger world, dropped scan lines, Golly's patterns through a
  window, trajectories drawn as people draw them;
- :mod:`~lifelab.viz.protocols`: the field's protocols beside their
  published figures, the identifiability ceiling marked;
- :mod:`~lifelab.viz.widgets`: ipywidgets front ends.
"""

# in the layer's own order, not the alphabet's
# isort: off
from lifelab.viz.boards import (
    animate_trajectory,
    plot_board,
    plot_boundary,
    plot_difference,
    plot_population,
    plot_reading,
    plot_snapshot_grid,
    state_cmap,
)
from lifelab.viz.oned import plot_spacetime
from lifelab.viz.training import plot_dataset_growth, plot_predictions, plot_training_curves
from lifelab.viz.evidence import (
    evidence_categories,
    plot_confidence,
    plot_evidence,
    plot_loop,
    plot_neighbourhood_search,
    plot_symmetry_evidence,
)
from lifelab.viz.networks import (
    plot_class_test,
    plot_count_kernels,
    plot_growth,
    plot_growth_kernels,
    plot_kernels,
    plot_sensitivity,
)
from lifelab.viz.sweeps import plot_rule_map
from lifelab.viz.zoo import ZOO, ZooEntry, fit_zoo_model, new_zoo_model
from lifelab.viz.comparisons import GrowthComparison, GrowthStep, RecoveryComparison, compare_growth, compare_recovery
from lifelab.viz.observations import ObservedPattern, draw_as, drop_scan_lines, observe_pattern, window_trajectories
from lifelab.viz.protocols import plot_benchmark
from lifelab.viz.widgets import figure_slider, loop_replay, trajectory_slider, visible_count_slider, wide_text_scrolls

# isort: on

__all__ = [
    "animate_trajectory",
    "plot_board",
    "plot_boundary",
    "plot_difference",
    "plot_population",
    "plot_reading",
    "plot_snapshot_grid",
    "state_cmap",
    "plot_spacetime",
    "plot_dataset_growth",
    "plot_predictions",
    "plot_training_curves",
    "evidence_categories",
    "plot_confidence",
    "plot_evidence",
    "plot_loop",
    "plot_neighbourhood_search",
    "plot_symmetry_evidence",
    "plot_class_test",
    "plot_count_kernels",
    "plot_growth",
    "plot_growth_kernels",
    "plot_kernels",
    "plot_sensitivity",
    "plot_rule_map",
    "ZOO",
    "ZooEntry",
    "fit_zoo_model",
    "new_zoo_model",
    "GrowthComparison",
    "GrowthStep",
    "RecoveryComparison",
    "compare_growth",
    "compare_recovery",
    "ObservedPattern",
    "draw_as",
    "drop_scan_lines",
    "observe_pattern",
    "window_trajectories",
    "plot_benchmark",
    "figure_slider",
    "loop_replay",
    "trajectory_slider",
    "visible_count_slider",
    "wide_text_scrolls",
]
