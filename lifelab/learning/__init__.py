"""Learning a rule, one concept a module:

- :mod:`~lifelab.learning.models`: the model zoo and its registry;
- :mod:`~lifelab.learning.dataset`: the weighted dataset of the visible trajectories;
- :mod:`~lifelab.learning.supply`: trajectories simulated and cached, and the data supply agent of the loop (the
  files themselves are :mod:`lifelab.io.store`'s);
- :mod:`~lifelab.learning.checkpoint` and :mod:`~lifelab.learning.training`: resumable training;
- :mod:`~lifelab.learning.stacked` (its compiled :mod:`~lifelab.learning.kernel`): many 3x3 networks trained together;
- :mod:`~lifelab.learning.probes`: which cells change a network's decision, and its answers on every pattern;
- :mod:`~lifelab.learning.counting`: the structure test of a network that counts cells beyond 3x3;
- :mod:`~lifelab.learning.extract`: the rule read out of a network, :func:`extract_rule`;
- :mod:`~lifelab.learning.count_kernels`: first-layer kernels against neighbour-count kernels;
- :mod:`~lifelab.learning.table`: the table learner, registered beside the networks;
- :mod:`~lifelab.learning.oned`: a network for 1-D rules, trained on pairs of rows and read back as a table.
"""

# in the layer's own order
# isort: off
from lifelab.learning.checkpoint import (
    CHECKPOINT_FORMAT,
    Identity,
    checkpoint_path,
    fingerprint,
    read_checkpoint,
    write_checkpoint,
)
from lifelab.learning.count_kernels import count_kernel_similarity
from lifelab.learning.counting import ClassCheck, class_test
from lifelab.learning.dataset import IGNORE, WEIGHTINGS, TrajectoryDataset, cumulative_coverage, trajectory_weights
from lifelab.learning.extract import ExtractionResult, extract_rule, nearest_totalistic, table_reading
from lifelab.learning.models import (
    DEFAULT_MODEL,
    GROWTH,
    REGISTRY,
    ROUTES,
    EquivariantCNN,
    GrowthRoute,
    LifeModel,
    MinimalCNN,
    ModelSpec,
    MultiScale,
    SimpleCNNSmall,
    SimpleCNNTiny,
    TiedCNN,
    TiedConv2d,
    WindowLayout,
    build_model,
    first_layer_kernels,
    grow_group,
    growth_model,
    model_spec,
    pattern_table,
    predict,
    receptive_radius,
    register,
    regular_field_elements,
    rollout,
)
from lifelab.learning.probes import Sensitivity, indicator_patterns, pattern_accuracy, sensitivity
from lifelab.learning.stacked import ENGINES, pattern_frequencies, train_stacked
from lifelab.learning.supply import DataSupplyAgent, load_or_generate
from lifelab.learning.table import TableLearner
from lifelab.learning.oned import OneDNet, fit_1d, read_1d
from lifelab.learning.training import BATCH_SIZE, L1, LR, History, evaluate, l1_penalty, load_model, lr_at, train

# isort: on

__all__ = [
    "DEFAULT_MODEL",
    "GROWTH",
    "REGISTRY",
    "ROUTES",
    "EquivariantCNN",
    "GrowthRoute",
    "LifeModel",
    "MinimalCNN",
    "ModelSpec",
    "MultiScale",
    "SimpleCNNSmall",
    "SimpleCNNTiny",
    "TiedCNN",
    "TiedConv2d",
    "WindowLayout",
    "build_model",
    "first_layer_kernels",
    "grow_group",
    "growth_model",
    "model_spec",
    "pattern_table",
    "predict",
    "receptive_radius",
    "register",
    "regular_field_elements",
    "rollout",
    "IGNORE",
    "WEIGHTINGS",
    "TrajectoryDataset",
    "cumulative_coverage",
    "trajectory_weights",
    "DataSupplyAgent",
    "load_or_generate",
    "CHECKPOINT_FORMAT",
    "Identity",
    "checkpoint_path",
    "fingerprint",
    "read_checkpoint",
    "write_checkpoint",
    "BATCH_SIZE",
    "L1",
    "LR",
    "History",
    "evaluate",
    "l1_penalty",
    "load_model",
    "lr_at",
    "train",
    "ENGINES",
    "pattern_frequencies",
    "train_stacked",
    "Sensitivity",
    "indicator_patterns",
    "pattern_accuracy",
    "sensitivity",
    "ClassCheck",
    "class_test",
    "ExtractionResult",
    "extract_rule",
    "nearest_totalistic",
    "table_reading",
    "count_kernel_similarity",
    "TableLearner",
    "OneDNet",
    "fit_1d",
    "read_1d",
]
