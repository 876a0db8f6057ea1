"""The geometry of the board: the D4 symmetries, the 3x3 window and its patterns, Hensel's letters, and the
neighbourhoods beyond 3x3 that count rules read."""

# the modules in their own order, each after what it imports
# isort: off
from lifelab.geometry.hensel import LETTERS, hensel_classes, letters_for, parse_hensel, table_from_hensel, to_hensel
from lifelab.geometry.symmetry import (
    ELEMENT_NAMES,
    GROUPS,
    SUBGROUPS,
    check_element,
    consistency_loss,
    equivariance_error,
    group_elements,
    inverse,
    kernel_orbits,
    project_kernel,
    transform,
)
from lifelab.geometry.window import (
    CELLS,
    CENTRE,
    MAP_WEIGHTS,
    N_PATTERNS,
    NEIGHBOURHOODS,
    WINDOW,
    bits,
    configuration_counts,
    count_class_counts,
    counts,
    images,
    index_of,
    orbit,
    orbit_labels,
    pattern_index,
    patterns,
    showable,
    table_offsets,
    transition_counts,
)
from lifelab.geometry.neighbourhoods import (
    COUNT_SHAPES,
    HROT_NEIGHBOURHOODS,
    LTL_NEIGHBOURHOODS,
    MAX_RANGE,
    NAMED_SHAPES,
    Neighbourhood,
    disc_widths,
    neighbourhood_weights,
    shape_weights,
    weight_runs,
    window_sums,
)

# isort: on

__all__ = [
    "ELEMENT_NAMES", "GROUPS", "SUBGROUPS", "check_element", "consistency_loss", "equivariance_error",
    "group_elements", "inverse", "kernel_orbits", "project_kernel", "transform", "CELLS", "CENTRE", "MAP_WEIGHTS",
    "N_PATTERNS", "NEIGHBOURHOODS", "WINDOW", "bits", "configuration_counts", "count_class_counts", "counts",
    "images", "index_of", "orbit", "orbit_labels", "pattern_index", "patterns", "showable", "table_offsets",
    "transition_counts",
    "LETTERS", "hensel_classes", "letters_for", "parse_hensel", "table_from_hensel", "to_hensel",
    "COUNT_SHAPES", "HROT_NEIGHBOURHOODS", "LTL_NEIGHBOURHOODS", "MAX_RANGE", "NAMED_SHAPES", "Neighbourhood",
    "disc_widths", "neighbourhood_weights", "shape_weights", "weight_runs", "window_sums",
]
