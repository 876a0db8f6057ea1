"""The model zoo: CNNs that map a one-hot board to next-state logits, and the registry of learners.

Every model takes boards one-hot as ``(B, 2, H, W)`` float (channel 1 =
alive) and returns ``(B, 2, H, W)`` logits (class 1 = alive).  Every
spatial convolution pads circularly, so the models live on the same torus
as the simulator.  The models, from least to most symmetry built in:

- :class:`MinimalCNN`: one 3x3 convolution, then 1x1 layers; the
  translation-only baseline, small enough to read by eye.
- :class:`SimpleCNNTiny`, :class:`SimpleCNNSmall` (5x5 kernels) and
  :class:`MultiScale` v0.2.0: the researcher's plain CNNs (:mod:`~lifelab.learning.models.plain`).
- :class:`TiedCNN`: the first kernel is tied so that it is invariant
  under p4 or p4m (for 3x3: edges share one value, corners another; :mod:`~lifelab.learning.models.tied`).
- :class:`EquivariantCNN`: e2cnn group convolutions with regular hidden
  fields, exportable to plain torch (:mod:`~lifelab.learning.models.equivariant`).

:mod:`~lifelab.learning.models.growth` grows a trained network's group.  Each class
declares its name and facts once with :func:`~lifelab.learning.models.base.register`;
:data:`REGISTRY` is what the command line, the loop, the notebooks' zoo and
the benchmarks read (the table learner, which is no network, registers
itself in :mod:`lifelab.learning.table`).  Adding a model is one decorated class in
one of these files.
"""

from lifelab.errors import InputError, InputTypeError

# the registry lists the models in the order their modules load: plain, then weight-tied, then e2cnn
# isort: off
from lifelab.learning.models.base import (
    DEFAULT_MODEL,
    REGISTRY,
    LifeModel,
    ModelSpec,
    WindowLayout,
    model_spec,
    predict,
    receptive_radius,
    register,
    rollout,
)
from lifelab.learning.models.plain import MinimalCNN, MultiScale, SimpleCNNSmall, SimpleCNNTiny
from lifelab.learning.models.tied import TiedCNN, TiedConv2d
from lifelab.learning.models.equivariant import EquivariantCNN
from lifelab.learning.models.reading import first_layer_kernels, pattern_table
from lifelab.learning.models.growth import GROWTH, ROUTES, GrowthRoute, grow_group, growth_model, regular_field_elements

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
]


def build_model(name: str, **config) -> LifeModel:
    """Build a network of the zoo by its registered name (or alias, or class name).

    Args:
        name: A network's name in :data:`REGISTRY` (``"minimal"``, ``"tiny"``,
            ``"small"``, ``"multiscale"``, ``"tied"``, ``"e2cnn"``) or a class
            name such as ``"SimpleCNNTiny"``.
        **config: Constructor arguments.

    Returns:
        A freshly initialised model (seed torch first for reproducible weights).

    Raises:
        ValueError: For an unknown name, or a learner that is not a network.
        TypeError: For bad constructor arguments.
    """
    spec = model_spec(name)
    if not spec.network:
        raise InputError(f"{spec.name!r} is not a network; use it as learn_rule(..., model={spec.name!r})")
    try:
        return spec.cls(**config)
    except TypeError as err:
        raise InputTypeError(f"bad arguments for {spec.cls.__name__}: {err}") from None
