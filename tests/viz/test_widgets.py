"""The notebook widgets and plot helpers, driven as a user would drive them."""

import base64
import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from PIL import Image

from lifelab import random_boards, simulate
from lifelab.viz import (
    animate_trajectory,
    plot_board,
    plot_dataset_growth,
    plot_difference,
    plot_population,
    plot_rule_map,
    plot_snapshot_grid,
    state_cmap,
    trajectory_slider,
)


@pytest.fixture
def trajectories():
    boards = random_boards(2, (12, 12), seed=0)
    return {"life": simulate("B3/S23", boards, 6)[0], "seeds": simulate("B2/S", boards, 6)[0]}


def test_slider_redraws_the_chosen_step(trajectories):
    slider = trajectory_slider(trajectories)
    control, panels = slider.children
    images = [panel.children[1] for panel in panels.children]
    assert (control.min, control.max, control.value) == (0, 6, 0)
    first = [image.value for image in images]
    assert first[0][:8] == b"\x89PNG\r\n\x1a\n"
    control.value = 4
    assert [image.value for image in images] != first
    assert slider.titles[0].value == f"<b>life</b>&nbsp; t=4 &nbsp;live={int(trajectories['life'][4].sum())}"
    assert slider.titles[1].value.startswith("<b>seeds</b>&nbsp; t=4")
    control.value = 0
    assert [image.value for image in images] == first  # drawn once, shown again
    bundle, metadata = slider._repr_mimebundle_()
    assert (
        "application/vnd.jupyter.widget-view+json" in bundle and "time slider over life, seeds" in bundle["text/plain"]
    )
    still = base64.b64decode(bundle["image/png"])  # the picture shown where the widget cannot be: both panels
    assert still[:8] == b"\x89PNG\r\n\x1a\n" and metadata == {"image/png": {"width": int(2 * 2.4 * 96)}}
    assert len(slider.still()[0]) > len(first[0])
    with pytest.raises(ValueError, match="same length"):
        trajectory_slider({"a": trajectories["life"], "b": trajectories["life"][:3]})
    with pytest.raises(ValueError, match="no trajectories"):
        trajectory_slider({})


def test_plot_helpers_return_figures_and_check_input(trajectories):
    fig = plot_board(trajectories["life"][0], title="t=0")
    assert fig.axes[0].get_title() == "t=0"
    fig, ax = plt.subplots()
    assert plot_board(trajectories["life"][1], ax=ax) is fig
    grid = plot_snapshot_grid(trajectories, times=[0, 3, 6])
    assert len(grid.axes) == 6
    assert plot_population({"both": np.stack(list(trajectories.values()))}).axes[0].get_ylabel() == "live fraction"
    diff = plot_difference(trajectories["life"][3], trajectories["seeds"][3], labels=("life", "seeds"))
    assert [t.get_text() for t in diff.axes[0].get_legend().get_texts()] == ["both", "only life", "only seeds"]
    with pytest.raises(ValueError, match="2-D"):
        plot_board(np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match="outside the trajectory"):
        plot_snapshot_grid(trajectories, times=[7])
    with pytest.raises(ValueError, match="differ in shape"):
        plot_difference(np.zeros((3, 3)), np.zeros((4, 4)))
    plt.close("all")


def test_animation_is_written_atomically(trajectories, tmp_path):
    path = animate_trajectory(trajectories["life"], tmp_path / "anim" / "life.gif", fps=4)
    assert path.exists() and path.read_bytes()[:6] in (b"GIF87a", b"GIF89a")
    assert [p.name for p in path.parent.iterdir()] == ["life.gif"]  # no temporary left behind
    with pytest.raises(ValueError, match="GIF"):
        animate_trajectory(trajectories["life"], tmp_path / "life.mp4")


@pytest.mark.slow
def test_visible_count_slider_redraws_coverage_and_weights():
    from lifelab.viz import visible_count_slider

    traj = simulate("B3/S23", random_boards(4, (10, 10), seed=1), 5)
    widget = visible_count_slider(traj)
    control, image = widget.children
    assert (control.min, control.max, control.value) == (1, 4, 1)
    assert widget.figure.axes[1].get_title() == "class counts, 1 visible"
    first = image.value
    control.value = 3
    assert image.value != first
    assert widget.figure.axes[1].get_title() == "class counts, 3 visible"
    bars = widget.figure.axes[2].patches
    assert len(bars) == 3 * 3  # three schemes, three visible trajectories


def test_plot_dataset_growth_checks_visible():
    from lifelab.learning import cumulative_coverage

    coverage = cumulative_coverage(simulate("B3/S23", random_boards(2, (6, 6), seed=0), 3))
    assert coverage.shape == (2, 512) and coverage[1].sum() == 2 * 3 * 36
    with pytest.raises(ValueError, match="visible must be in 1-2"):
        plot_dataset_growth(coverage, 3)
    plt.close("all")


def test_a_rule_table_s_colours_reach_the_board_and_the_slider():
    colours = {1: (0, 0, 255), 2: (255, 0, 0)}
    assert state_cmap(3, colours).colors[1] == (0.0, 0.0, 1.0) and to_hex(state_cmap(3, colours).colors[0]) == "#ffffff"
    board = np.array([[0, 1], [2, 1]], np.uint8)
    slider = trajectory_slider({"table": board[None]}, colors=colours)
    picture = np.asarray(Image.open(io.BytesIO(slider.children[1].children[0].children[1].value)).convert("RGB"))
    assert {tuple(p) for p in picture.reshape(-1, 3)} >= {(0, 0, 255), (255, 0, 0)}


def test_a_rule_map_puts_each_rule_at_its_birth_and_survival_sets():
    from lifelab.sweep import rule_indices

    indices = rule_indices(["B3/S23", "B36/S23", "B/S"])
    fig = plot_rule_map(indices, [1.0, 0.5, 0.0], title="three rules")
    grid = fig.axes[0].images[0].get_array()
    assert grid.shape == (512, 512) and grid[8, 12] == 1.0 and grid[8 | 64, 12] == 0.5 and grid[0, 0] == 0.0
    assert np.ma.getmaskarray(grid).sum() == 512 * 512 - 3 and fig.axes[0].get_title() == "three rules"
    assert plot_rule_map(rule_indices(["B1/S2V"], "vonneumann"), [1], "vonneumann").axes[0].images[
        0
    ].get_array().shape == (32, 32)
    with pytest.raises(ValueError, match="one value per rule"):
        plot_rule_map(indices, [1.0])
    with pytest.raises(ValueError, match="lie in 0-1023"):
        plot_rule_map([5000], [1.0], "vonneumann")
    plt.close("all")
