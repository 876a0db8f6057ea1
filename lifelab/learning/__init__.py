"""Learning a rule: the model zoo and its registry, the dataset and its supply agent, training, checkpoints, the
stacked trainer, reading rules out of a network, and the table learner.
"""

# isort: off  (in the layer's own order)
from lifelab.learning.checkpoint import (
    CHECKPOINT_FORMAT,
    Identity,
    checkpoint_path,
    fingerprint,
    read_checkpoint,
    write_checkpoint,
)
from lifelab.learning.data import (
    IGNORE,
    WEIGHTINGS,
    DataSupplyAgent,
    TrajectoryDataset,
    TrajectorySpec,
    cumulative_coverage,
    load_or_generate,
    load_trajectories,
    save_trajectories,
    trajectory_weights,
)
from lifelab.learning.extract import (
    ClassCheck,
    ExtractionResult,
    Sensitivity,
    class_test,
    count_kernel_similarity,
    extract_rule,
    indicator_patterns,
    nearest_totalistic,
    pattern_accuracy,
    sensitivity,
    table_reading,
)
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
from lifelab.learning.stacked import ENGINES, pattern_frequencies, train_stacked
from lifelab.learning.table import TableLearner
from lifelab.learning.training import BATCH_SIZE, L1, LR, History, evaluate, l1_penalty, load_model, lr_at, train

# isort: on

__all__ = [
    "DEFAULT_MODEL", "GROWTH", "REGISTRY", "ROUTES", "EquivariantCNN", "GrowthRoute", "LifeModel", "MinimalCNN",
    "ModelSpec", "MultiScale", "SimpleCNNSmall", "SimpleCNNTiny", "TiedCNN", "TiedConv2d", "WindowLayout",
    "build_model", "first_layer_kernels", "grow_group", "growth_model", "model_spec", "pattern_table", "predict",
    "receptive_radius", "register", "regular_field_elements", "rollout", "IGNORE", "DataSupplyAgent",
    "TrajectoryDataset", "TrajectorySpec", "WEIGHTINGS", "cumulative_coverage", "load_or_generate",
    "load_trajectories", "save_trajectories", "trajectory_weights", "CHECKPOINT_FORMAT", "Identity",
    "checkpoint_path", "fingerprint", "read_checkpoint", "write_checkpoint", "BATCH_SIZE", "L1", "LR", "History",
    "evaluate", "l1_penalty", "load_model", "lr_at", "train", "ENGINES", "pattern_frequencies", "train_stacked",
    "ClassCheck", "ExtractionResult", "Sensitivity", "class_test", "count_kernel_similarity", "extract_rule",
    "indicator_patterns", "nearest_totalistic", "pattern_accuracy", "sensitivity", "table_reading", "TableLearner"
]
