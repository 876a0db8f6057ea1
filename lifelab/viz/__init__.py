"""What a notebook shows: pictures, widgets, and the experiments behind them."""

# isort: off  (in the layer's own order)
from lifelab.viz.experiments import (
    ZOO,
    GrowthComparison,
    GrowthStep,
    ObservedPattern,
    RecoveryComparison,
    ZooEntry,
    compare_growth,
    compare_recovery,
    draw_as,
    drop_scan_lines,
    fit_zoo_model,
    new_zoo_model,
    observe_pattern,
    window_trajectories,
)
from lifelab.viz.plots import (
    animate_trajectory,
    evidence_categories,
    plot_board,
    plot_boundary,
    plot_class_test,
    plot_confidence,
    plot_count_kernels,
    plot_dataset_growth,
    plot_difference,
    plot_evidence,
    plot_growth,
    plot_growth_kernels,
    plot_kernels,
    plot_loop,
    plot_neighbourhood_search,
    plot_population,
    plot_predictions,
    plot_rule_map,
    plot_sensitivity,
    plot_snapshot_grid,
    plot_symmetry_evidence,
    plot_training_curves,
    state_cmap,
)
from lifelab.viz.widgets import figure_slider, loop_replay, trajectory_slider, visible_count_slider, wide_text_scrolls

# isort: on

__all__ = [
    "animate_trajectory", "plot_board", "plot_boundary", "plot_class_test", "plot_confidence", "plot_count_kernels",
    "evidence_categories", "plot_dataset_growth", "plot_difference", "plot_evidence", "plot_growth",
    "plot_growth_kernels", "plot_kernels", "plot_loop", "plot_neighbourhood_search", "plot_population",
    "plot_predictions", "plot_rule_map", "plot_sensitivity", "plot_snapshot_grid", "plot_symmetry_evidence",
    "plot_training_curves", "state_cmap", "figure_slider", "loop_replay", "trajectory_slider",
    "visible_count_slider", "wide_text_scrolls", "ZOO", "GrowthComparison", "GrowthStep", "ObservedPattern",
    "RecoveryComparison", "ZooEntry", "compare_growth", "compare_recovery", "draw_as", "drop_scan_lines",
    "fit_zoo_model", "new_zoo_model", "observe_pattern", "window_trajectories"
]
