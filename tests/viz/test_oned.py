"""The space-time diagram of a 1-D trajectory."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from lifelab import simulate
from lifelab.errors import InputError
from lifelab.rules import OneDRule
from lifelab.viz import plot_spacetime


def test_a_trajectory_is_drawn_time_down_in_the_rules_colours():
    row = np.zeros((1, 1, 21), np.uint8)
    row[0, 0, 10] = 1
    history = simulate(OneDRule.from_wolfram(90), row, 10)[0]
    fig = plot_spacetime(history, title="rule 90")
    assert isinstance(fig, Figure)
    image = fig.axes[0].images[0].get_array()
    assert image.shape == (11, 21) and image[0, 10] == 1 and image[10, 0] == 1
    assert fig.axes[0].get_ylabel() == "time" and fig.axes[0].get_title() == "rule 90"
    plt.close(fig)


def test_it_draws_on_given_axes_with_the_states_given():
    fig, ax = plt.subplots()
    history = np.random.default_rng(0).integers(0, 3, (6, 12))
    assert plot_spacetime(history, ax=ax, states=4) is fig
    assert ax.images[0].get_clim() == (0, 3)
    plt.close(fig)


def test_a_board_that_is_not_a_row_is_refused():
    with pytest.raises(InputError, match="space-time diagram"):
        plot_spacetime(np.zeros((4, 3, 5), int))
