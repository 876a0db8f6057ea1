"""Recordings as people keep them, drawn by other software (tests/corpus.py), read back cell for cell.

Every form of picture, video and array the reader claims to read is made here by Pillow, matplotlib or imageio's
ffmpeg from a known trajectory, read with :func:`lifelab.io.read_recording` and compared cell for cell; the
reading of the colours is checked to be stated, and the verdict never to claim a colour-swapped rule unnamed.
"""

import corpus
import numpy as np
import pytest
from PIL import Image

from lifelab import random_boards, simulate
from lifelab.cli import main
from lifelab.errors import InputError
from lifelab.evidence import judge
from lifelab.io import palette, read_recording, recognise
from lifelab.io.palettes import lifelab_colours
from lifelab.viz import animate_trajectory, state_cmap

BLACK_ON_WHITE = [(255, 255, 255), (0, 0, 0)]
WHITE_ON_BLACK = [(0, 0, 0), (255, 255, 255)]


@pytest.fixture(scope="module")
def life():
    return simulate("B3/S23", random_boards(1, (24, 24), 0.4, seed=1), 10)[0]


def _scaled(board, size: int, colours, method):
    return np.asarray(Image.fromarray(corpus.cells_to_pixels(board, colours, 1)).resize((size, size), method))


def _margin(board):
    pixels = np.full((24 * 6 + 40, 24 * 6 + 30, 3), 200, np.uint8)
    pixels[17 : 17 + 144, 11 : 11 + 144] = corpus.cells_to_pixels(board, WHITE_ON_BLACK, 6)
    return pixels


def _transparent(board):
    pixels = np.zeros((24 * 5, 24 * 5, 4), np.uint8)
    pixels[np.kron(board, np.ones((5, 5), bool))] = (20, 20, 120, 255)
    return pixels


def _dithered(board):
    pixels = corpus.cells_to_pixels(board, [(250, 240, 230), (20, 60, 120)], 8).astype(np.int16)
    noisy = np.clip(pixels + np.random.default_rng(0).integers(-40, 40, pixels.shape), 0, 255).astype(np.uint8)
    return np.asarray(Image.fromarray(noisy).quantize(8, dither=Image.Dither.FLOYDSTEINBERG).convert("RGB"))


#: name -> (how each board is drawn, how the frames are saved): every form the reader claims to read.
FORMS = {
    "1-pixel cells, white on black (Image.fromarray(board * 255))": (
        lambda b: corpus.cells_to_pixels(b, WHITE_ON_BLACK, 1),
        "png-folder",
    ),
    "2-pixel cells, black on white, GIF": (lambda b: corpus.cells_to_pixels(b, BLACK_ON_WHITE, 2), "gif"),
    "3-pixel cells, white on black, GIF": (lambda b: corpus.cells_to_pixels(b, WHITE_ON_BLACK, 3), "gif"),
    "10-pixel cells, white on black, GIF": (lambda b: corpus.cells_to_pixels(b, WHITE_ON_BLACK, 10), "gif"),
    "grey grid lines between cells": (lambda b: corpus.with_lines(b, BLACK_ON_WHITE, 7, 1, (128, 128, 128)), "gif"),
    "Golly's colours with its grid lines": (
        lambda b: corpus.with_lines(b, corpus.golly_colours(2), 6, 1, (80, 80, 80)),
        "gif",
    ),
    "a screenshot with a margin": (_margin, "png-folder"),
    "transparent PNG": (_transparent, "png-folder"),
    "scaled by 9.375, nearest": (lambda b: _scaled(b, 225, BLACK_ON_WHITE, Image.NEAREST), "gif"),
    "scaled by 7.2, bilinear": (lambda b: _scaled(b, 173, BLACK_ON_WHITE, Image.BILINEAR), "png-folder"),
    "JPEG files": (lambda b: corpus.cells_to_pixels(b, BLACK_ON_WHITE, 8), "jpeg-folder"),
    "dithered to 8 colours": (_dithered, "gif"),
    "BMP files": (lambda b: corpus.cells_to_pixels(b, WHITE_ON_BLACK, 4), "bmp-folder"),
    "TIFF files": (lambda b: corpus.cells_to_pixels(b, BLACK_ON_WHITE, 4), "tif-folder"),
    "animated WebP": (lambda b: corpus.cells_to_pixels(b, WHITE_ON_BLACK, 6), "webp"),
    "animated PNG": (lambda b: corpus.cells_to_pixels(b, BLACK_ON_WHITE, 5), "apng"),
}


def _save(frames, how: str, tmp_path):
    if how == "gif":
        return corpus.save_gif(frames, tmp_path / "run.gif")
    if how == "webp":
        images = [Image.fromarray(f) for f in frames]
        images[0].save(tmp_path / "run.webp", save_all=True, append_images=images[1:], lossless=True, duration=100)
        return tmp_path / "run.webp"
    if how == "apng":
        images = [Image.fromarray(f) for f in frames]
        images[0].save(tmp_path / "run.png", save_all=True, append_images=images[1:], duration=100)
        return tmp_path / "run.png"
    suffix = {"png-folder": ".png", "jpeg-folder": ".jpg", "bmp-folder": ".bmp", "tif-folder": ".tif"}[how]
    options = {"quality": 75} if suffix == ".jpg" else {}
    return corpus.save_folder(frames, tmp_path / "frames", suffix, **options)  # frame_0 ... frame_10: no zero padding


@pytest.mark.parametrize("form", list(FORMS))
def test_pictures_as_people_save_them_read_back_cell_for_cell(form, life, tmp_path):
    draw, how = FORMS[form]
    recording = read_recording(_save([draw(b) for b in life], how, tmp_path))
    assert recording.trajectories.shape == (1, *life.shape)
    assert np.array_equal(recording.trajectories[0], life)
    assert recording.grid.cells == life.shape[1:]
    assert recording.reading is not None and recording.reading.swappable  # a reading, stated as such
    assert recording.off <= 0.02
    assert (recording.grid.lines is not None) == ("grid lines" in form)  # found, said, and not read as cells


@pytest.mark.parametrize("cmap, axis", [("binary", True), ("viridis", True), ("gray", False)])
def test_matplotlib_figures_read_inside_their_axes(cmap, axis, life, tmp_path):
    frames = corpus.matplotlib_frames(life, cmap, title=axis, colorbar=axis, axis=axis)
    recording = read_recording(corpus.save_folder(frames, tmp_path / "figure"))
    assert np.array_equal(recording.trajectories[0], life) and recording.grid.cells == (24, 24)
    if cmap == "viridis":
        assert "viridis's colours" in recording.reading.ground  # the low end of the map read as 0
    assert "picture's edges" not in " ".join(recording.grid.notes)  # axes, ticks, title, colour bar left out


def test_lifelab_gifs_with_a_changing_title_read_back(life, tmp_path):
    path = animate_trajectory(life, tmp_path / "run.gif", title="Life")  # "t=0", "t=1", ... above the board
    recording = read_recording(path)
    assert np.array_equal(recording.trajectories[0], life)
    assert "lifelab's colours" in recording.reading.ground


@pytest.mark.parametrize("suffix, codec", [(".mp4", None), (".webm", "libvpx-vp9"), (".avi", "mpeg4"), (".mov", None)])
def test_videos_repeat_frames_and_are_collapsed(suffix, codec, life, tmp_path):
    frames = [corpus.cells_to_pixels(b, WHITE_ON_BLACK, 8) for b in life]
    path = corpus.save_video(frames, tmp_path / f"run{suffix}", fps=12, repeat=3, codec=codec)
    recording = read_recording(path)
    assert np.array_equal(recording.trajectories[0], life)
    assert recording.frames.decoded == 33 and recording.frames.repeated == 22
    assert "22 repeated a board and were collapsed" in recording.summary()


def test_a_still_life_at_the_end_is_kept_as_one_step_and_nothing_else_repeats(tmp_path):
    start = np.zeros((12, 12), bool)
    start[4, 4] = start[4, 5] = start[5, 4] = True  # an L of three cells: a block after one step, then still
    traj = simulate("B3/S23", start[None], 4)[0]
    frames = [corpus.cells_to_pixels(b, WHITE_ON_BLACK, 8) for b in traj]
    video = read_recording(corpus.save_video(frames[:1] + [frames[1]] * 3, tmp_path / "still.mp4", repeat=2))
    assert len(video.trajectories[0]) == 3 and np.array_equal(video.trajectories[0, -1], video.trajectories[0, -2])
    assert "read as a still life" in video.frames.still
    pictures = read_recording(corpus.save_folder(frames, tmp_path / "still"))  # no frame repeats but the last
    assert np.array_equal(pictures.trajectories[0], traj) and "each read as a generation" in pictures.frames.still
    kept = read_recording(corpus.save_folder(frames[:2] + frames[1:2] + frames[2:], tmp_path / "pause"), repeats="keep")
    assert len(kept.trajectories[0]) == 6


def test_the_colours_of_many_states_read_in_the_order_their_dynamics_show(tmp_path):
    start = random_boards(1, (24, 24), 0.3, seed=2).astype(np.uint8)
    brain = simulate("/2/3", start, 10)[0]  # Brian's Brain: dead, alive, dying
    golly = read_recording(
        corpus.save_gif([corpus.cells_to_pixels(b, corpus.golly_colours(3), 5) for b in brain], tmp_path / "brain.gif")
    )
    assert np.array_equal(golly.trajectories[0], brain)
    assert "golly" in golly.reading.ground
    wars = simulate("345/2/4", start, 10)[0]  # Star Wars: 4 states, in colours no palette has
    odd = [(10, 90, 10), (250, 250, 0), (0, 0, 200), (200, 0, 200)]
    recording = read_recording(corpus.save_gif([corpus.cells_to_pixels(b, odd, 5) for b in wars], tmp_path / "w.gif"))
    assert np.array_equal(recording.trajectories[0], wars)
    assert "the only order in which each dying state is followed by the next" in recording.reading.ground
    stated = read_recording(tmp_path / "w.gif", palette="#0a5a0a,#fafa00,#0000c8,#c800c8")
    assert np.array_equal(stated.trajectories[0], wars) and stated.reading.stated


def test_arrays_as_people_save_them(life, tmp_path):
    np.save(tmp_path / "life.npy", life)
    assert np.array_equal(read_recording(tmp_path / "life.npy").trajectories[0], life)
    np.savez(tmp_path / "any.npz", boards_over_time=(life * 255).astype(np.uint8))
    recording = read_recording(tmp_path / "any.npz")
    assert np.array_equal(recording.trajectories[0], life)
    assert recording.reading.labels == ("0", "255") and recording.reading.what == "value"
    np.savez(tmp_path / "two.npz", a=life.astype(np.float32), b=np.zeros(3))
    with pytest.raises(InputError, match="holds 2 arrays .*--key NAME"):
        read_recording(tmp_path / "two.npz")
    assert np.array_equal(read_recording(tmp_path / "two.npz", key="a").trajectories[0], life)
    np.save(tmp_path / "hwt.npy", np.moveaxis(life, 0, -1))  # boards stored (H, W, T)
    recording = read_recording(tmp_path / "hwt.npy")
    assert np.array_equal(recording.trajectories[0], life) and "time runs along the last axis" in recording.axes
    assert np.array_equal(read_recording(tmp_path / "hwt.npy", axes="HWT").trajectories[0], life)
    colours = np.stack([corpus.cells_to_pixels(b, WHITE_ON_BLACK, 3) for b in life])  # (T, H, W, 3)
    np.save(tmp_path / "rgb.npy", colours)
    recording = read_recording(tmp_path / "rgb.npy")
    assert np.array_equal(recording.trajectories[0], life) and recording.grid.cells == (24, 24)
    np.save(tmp_path / "flat.npy", np.zeros((5, 7)))
    with pytest.raises(InputError, match=r"shape \(5, 7\).*--axes"):
        read_recording(tmp_path / "flat.npy")


def test_white_on_black_life_names_its_colour_swapped_twin(tmp_path, capsys):
    traj = simulate("B3/S23", random_boards(1, (40, 40), 0.5, seed=0), 20)[0]
    folder = tmp_path / "life"
    folder.mkdir()
    for t, board in enumerate(traj):  # the reproduction: Image.fromarray(kron(board, 8x8) * 255)
        Image.fromarray((np.kron(board, np.ones((8, 8))) * 255).astype(np.uint8)).save(folder / f"{t}.png")
    found = judge(read_recording(folder))
    assert str(found.verdict.rule) == "B3/S23" and str(found.swapped.rule) == "B0123478/S01234678"
    assert "Read the other way round" in found.sentence() and "B0123478/S01234678" in found.sentence()
    assert main(["read", str(folder)]) == 0
    assert "#000000 -> 0 (dead), #ffffff -> 1 (alive)" in capsys.readouterr().out
    stated = judge(read_recording(folder, dead="white"))
    assert str(stated.verdict.rule) == "B0123478/S01234678" and stated.swapped is None
    assert stated.reading.stated and "as stated" in stated.sentence()


@pytest.mark.slow
def test_learn_states_the_reading_in_the_verdict_line_and_the_sentence(tmp_path, capsys):
    traj = simulate("B3/S23", random_boards(1, (40, 40), 0.5, seed=0), 20)[0]
    path = corpus.save_gif([corpus.cells_to_pixels(b, WHITE_ON_BLACK, 4) for b in traj], tmp_path / "life.gif")
    assert main(["learn", "--data", str(path), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    verdict = next(line for line in out.splitlines() if line.startswith("verdict"))
    assert (
        "identified: B3/S23 (reading #000000 as dead and #ffffff as alive; with the colours swapped: "
        "B0123478/S01234678)" in verdict
    )
    assert (
        "The colours were read with #000000 as dead" in out
        and "the same data give identified: B0123478/S01234678" in out
    )
    assert main(["learn", "--data", str(path), "--device", "cpu", "--dead", "#000000"]) == 0
    out = capsys.readouterr().out
    assert "identified: B3/S23 (reading #000000 as dead and #ffffff as alive)" in out and "swapped" not in out


def test_bad_readings_are_one_line(life, tmp_path, capsys):
    path = corpus.save_gif([corpus.cells_to_pixels(b, WHITE_ON_BLACK, 4) for b in life], tmp_path / "life.gif")
    with pytest.raises(InputError, match="no cell is drawn in red"):
        read_recording(path, dead="red")
    with pytest.raises(InputError, match="not a colour"):
        read_recording(path, dead="#12")
    with pytest.raises(InputError, match="not golly's"):
        read_recording(path, palette="golly")
    assert main(["learn", "--data", str(path), "--dead", "red"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert main(["learn", "B3/S23", "--dead", "red"]) == 2  # reading options without --data


def test_what_is_no_picture_of_cells_is_refused_with_the_reason(tmp_path):
    from scipy import ndimage

    rng = np.random.default_rng(0)
    smooth = [
        ((ndimage.gaussian_filter(rng.random((120, 160)), 6) - 0.5) * 20 * 255 + 128).clip(0, 255) for _ in range(6)
    ]
    folder = corpus.save_folder([np.repeat(f.astype(np.uint8)[..., None], 3, axis=2) for f in smooth], tmp_path / "s")
    with pytest.raises(InputError, match="(not a picture of cells|no grid of cells|not blocks of one colour)"):
        read_recording(folder)
    single = corpus.save_folder([np.zeros((8, 8, 3), np.uint8)], tmp_path / "one")
    with pytest.raises(InputError, match="one frame is no trajectory"):
        read_recording(single)
    still = corpus.save_folder([np.zeros((8, 8, 3), np.uint8)] * 3, tmp_path / "still")
    with pytest.raises(InputError, match="nothing changes"):
        read_recording(still)
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="lifelab reads pictures"):
        read_recording(tmp_path / "notes.txt")
    with pytest.raises(InputError, match="not a regular file"):
        read_recording("/dev/zero")
    bomb = bytearray((corpus.save_gif([np.zeros((2, 2, 3), np.uint8)] * 2, tmp_path / "b.gif")).read_bytes())
    bomb[6:10] = (16000).to_bytes(2, "little") * 2  # the header's canvas: 16000x16000 pixels in a tiny file
    (tmp_path / "bomb.gif").write_bytes(bytes(bomb))
    with pytest.raises(InputError, match="bomb.gif: .*(decompression bomb|more than lifelab reads)"):
        read_recording(tmp_path / "bomb.gif")


def test_read_shows_the_grid_and_saves_the_trajectories(life, tmp_path, capsys):
    path = corpus.save_gif([corpus.cells_to_pixels(b, BLACK_ON_WHITE, 6) for b in life], tmp_path / "life.gif")
    assert main(["read", str(path), "--show", str(tmp_path / "grid.png"), "--save", str(tmp_path / "l.npz")]) == 0
    assert Image.open(tmp_path / "grid.png").size[0] > 100
    assert np.array_equal(read_recording(tmp_path / "l.npz").trajectories[0], life)
    assert "24x24 cells of 6.00 pixels, the whole picture" in capsys.readouterr().out


def test_palettes_are_the_programs_own():
    for states in (2, 3, 5):
        drawn = np.round(np.asarray(state_cmap(states).colors)[:, :3] * 255)
        assert np.array_equal(drawn, np.round(np.asarray(lifelab_colours(states)) * 255))
        assert np.array_equal(palette("golly", states), corpus.golly_colours(states))
    fits = dict(
        (name, list(states)) for name, states in recognise(np.array([[255, 255, 0], [48, 48, 48], [255, 0, 0]]))
    )
    assert fits == {"golly": [2, 0, 1], "golly-ltl": [1, 0, 2]}  # Golly's two gradients, opposite ways
    assert recognise(np.array([[0, 0, 0], [255, 255, 255]])) == []  # gray and binary draw these both ways
