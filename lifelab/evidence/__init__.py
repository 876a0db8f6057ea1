"""What the data determine: observed patterns, rule families, verdicts, noise, symmetry.

One concept a module, in dependency order:

- :mod:`~lifelab.evidence.ladder`: the rungs of the verdict ladder, which
  determine a rule, ``lifelab learn``'s exit codes, and the protocol every
  verdict meets;
- :mod:`~lifelab.evidence.assumptions`: rule families as assumptions (which
  3x3 patterns share their next state);
- :mod:`~lifelab.evidence.base`: :class:`Observations`, what every kind of
  evidence shares: its count array, ``states``, the ``boundary`` and its
  note, pooling (``evidence + evidence.like(more)``: the evidence of more
  trajectories counted the same way) and ``observations``;
- :mod:`~lifelab.evidence.boundary`: what lies beyond the frame (torus, dead
  outside, open), and which one the edge cells show;
- :mod:`~lifelab.evidence.counts`: :class:`Evidence`, the observations per
  3x3 pattern;
- :mod:`~lifelab.evidence.noise`: one rule plus independent cell flips, the
  rate estimated from the data;
- :mod:`~lifelab.evidence.independence`: whether the misses spread as
  independent flips spread them;
- :mod:`~lifelab.evidence.stochastic`: stochastic rules, and how the data
  tell them from noisy observations;
- :mod:`~lifelab.evidence.symmetry`: which symmetries of the square the
  observations allow;
- :mod:`~lifelab.evidence.verdicts`: :func:`decide` on 3x3 evidence;
- :mod:`~lifelab.evidence.totalistic`: :class:`CountEvidence`, the counts per
  (centre, live count) class of a larger neighbourhood;
- :mod:`~lifelab.evidence.ltl`: their verdict under the Larger than Life
  assumption (:func:`decide_counts`);
- :mod:`~lifelab.evidence.steps`: frames observed every k-th step, when no
  rule fits them one step apart;
- :mod:`~lifelab.evidence.neighbourhood`: the smallest neighbourhood the next
  state is a function of, found from the data;
- :mod:`~lifelab.evidence.tables`: many-state rule tables, counted per
  observed neighbourhood configuration, and their verdict (:func:`decide_table`);
- :mod:`~lifelab.evidence.oned`: 1-D rules, counted per observed window of a
  row, their families and verdict (:func:`decide_1d`);
- :mod:`~lifelab.evidence.observe`: the evidence and verdict of either kind,
  and :func:`judge`, what supplied data determine with nothing stated;
- :mod:`~lifelab.evidence.regenerate`: how well a rule regenerates the data
  (:func:`generator_check`).
"""

from lifelab.evidence.assumptions import AUTO_CHAIN, FAMILY_NAMES, Family, family
from lifelab.evidence.base import Observations
from lifelab.evidence.counts import MAX_CLUSTERS, Evidence, FamilyEvidence
from lifelab.evidence.ladder import CONFIDENCE, DETERMINED, EXIT_CODES, RUNGS, VerdictProtocol
from lifelab.evidence.ltl import CountFamily, CountVerdict, decide_counts
from lifelab.evidence.noise import NoiseEstimate, add_noise, check_noise, estimate_noise
from lifelab.evidence.observe import (
    Judgement,
    choose_neighbourhood,
    judge,
    observe,
    reading_clause,
    reading_sentence,
    swapped_verdict,
    weigh,
    with_steps,
)
from lifelab.evidence.oned import (
    BOUNDARIES_1D,
    FAMILIES_1D,
    OneDEvidence,
    OneDFamily,
    OneDVerdict,
    decide_1d,
    row_pairs,
)
from lifelab.evidence.regenerate import GeneratorCheck, generator_check
from lifelab.evidence.symmetry import DataSymmetry, data_symmetry, rule_symmetry
from lifelab.evidence.tables import TableEvidence, TableVerdict, decide_table
from lifelab.evidence.totalistic import SHAPES_BY_SIZE, CountEvidence
from lifelab.evidence.verdicts import Verdict, decide

__all__ = [
    "AUTO_CHAIN",
    "BOUNDARIES_1D",
    "CONFIDENCE",
    "DETERMINED",
    "EXIT_CODES",
    "FAMILIES_1D",
    "FAMILY_NAMES",
    "MAX_CLUSTERS",
    "RUNGS",
    "SHAPES_BY_SIZE",
    "CountEvidence",
    "CountFamily",
    "CountVerdict",
    "DataSymmetry",
    "Evidence",
    "Family",
    "FamilyEvidence",
    "GeneratorCheck",
    "Judgement",
    "NoiseEstimate",
    "Observations",
    "OneDEvidence",
    "OneDFamily",
    "OneDVerdict",
    "TableEvidence",
    "TableVerdict",
    "Verdict",
    "VerdictProtocol",
    "add_noise",
    "choose_neighbourhood",
    "check_noise",
    "data_symmetry",
    "decide",
    "decide_1d",
    "decide_counts",
    "decide_table",
    "estimate_noise",
    "family",
    "generator_check",
    "judge",
    "observe",
    "reading_clause",
    "reading_sentence",
    "row_pairs",
    "rule_symmetry",
    "swapped_verdict",
    "weigh",
    "with_steps",
]
