"""Colours of cell states: a colour a user names, the palettes of lifelab, Golly and matplotlib, and recognising them.

A picture's colours carry no meaning of their own: which one is dead is a
reading (:mod:`lifelab.io.colours`).  Some pictures are drawn in colours
whose meaning is known, because the program that drew them says so:

- **lifelab**: dead white, live ``#1f1f3a``, dying states from red to pale
  yellow (:func:`lifelab.viz.state_cmap` draws with these);
- **golly**: Golly's default colours (its source, ``gollybase/*algo.cpp`` and
  ``gui-wx/wxlayer.cpp``): state 0 ``#303030``; a 2-state rule's live cells
  white; many-state rules (Generations, rule tables) a gradient from red
  (state 1) to yellow (the last state); ``golly-ltl``: Larger than Life's
  gradient, yellow to red;
- matplotlib's perceptually uniform colour maps (``viridis``, ``plasma``,
  ``inferno``, ``magma``, ``cividis``) as ``imshow(board, vmin=0, vmax=n-1)``
  draws a board of ``n`` states: state ``s`` at ``s / (n - 1)`` of the map.

Black and white (or any two greys) belong to no palette here: ``gray`` and
``binary`` draw the same two colours the other way round.
"""

from __future__ import annotations

import numpy as np

from lifelab.errors import InputError

__all__ = ["DEAD_RGB", "LIVE_RGB", "PALETTES", "hex_colour", "lifelab_colours", "palette", "parse_colour", "recognise"]

#: lifelab's dead and live colours (0-255).
DEAD_RGB, LIVE_RGB = (255, 255, 255), (31, 31, 58)
#: Golly's state 0 and its gradients' ends (0-255).
GOLLY_DEAD, GOLLY_RED, GOLLY_YELLOW = (48, 48, 48), (255, 0, 0), (255, 255, 0)
#: matplotlib colour maps whose ends no other palette shares.
COLOUR_MAPS = ("viridis", "plasma", "inferno", "magma", "cividis")
#: Every palette :func:`palette` draws and :func:`recognise` looks for, in the order it looks.
PALETTES = ("lifelab", "golly", "golly-ltl", *COLOUR_MAPS)
#: Largest channel difference (0-255) at which a colour is a palette's (8-bit rounding, a lossy picture's drift).
MATCH = 10


def parse_colour(text) -> tuple[int, ...]:
    """A colour a person names: ``"#ff0000"``, ``"#f00"``, ``"red"``, ``"rgb(255, 0, 0)"`` or ``(255, 0, 0)``.

    Args:
        text: A CSS colour (Pillow's :func:`PIL.ImageColor.getrgb` reads it), or 3 or 4 numbers 0-255.

    Returns:
        ``(r, g, b)`` or ``(r, g, b, a)``, each 0-255.

    Raises:
        InputError: For anything that is no colour.
    """
    if isinstance(text, str):
        from PIL import ImageColor

        try:
            return tuple(int(v) for v in ImageColor.getrgb(text.strip()))
        except ValueError:
            raise InputError(
                f"{text!r} is not a colour: give one as #rrggbb, a CSS name such as 'black', or 'rgb(r, g, b)'"
            ) from None
    values = tuple(text)
    if len(values) not in (3, 4) or not all(isinstance(v, (int, np.integer)) and 0 <= v <= 255 for v in values):
        raise InputError(f"a colour is 3 or 4 whole numbers 0-255, got {text!r}")
    return tuple(int(v) for v in values)


def hex_colour(colour) -> str:
    """``"#rrggbb"`` (``"#rrggbbaa"`` when not opaque, ``"transparent"`` when fully so) of 0-255 channels."""
    values = [int(round(float(v))) for v in colour]
    if len(values) == 4 and values[3] == 0:
        return "transparent"
    if len(values) == 4 and values[3] == 255:
        values = values[:3]
    return "#" + "".join(f"{min(max(v, 0), 255):02x}" for v in values)


def lifelab_colours(states: int) -> list[tuple[float, float, float]]:
    """lifelab's colour of each of ``states`` states, 0-1: dead white, live dark, dying states red to pale yellow."""
    from matplotlib import colormaps

    dying = [tuple(colormaps["YlOrRd"](x)[:3]) for x in np.linspace(0.75, 0.15, max(states - 2, 0))]
    return [tuple(c / 255 for c in DEAD_RGB), tuple(c / 255 for c in LIVE_RGB), *dying][:states]


def _gradient(states: int, first, last) -> np.ndarray:
    """Golly's gradient for states ``1..states-1`` (``CreateColorGradient``: rounded to the nearest), state 0 grey."""
    colours = np.zeros((states, 3), dtype=np.int64)
    colours[0] = GOLLY_DEAD
    colours[1] = first
    steps = states - 2
    for n in range(1, steps):
        colours[n + 1] = [int(a + n * (b - a) / steps + 0.5) for a, b in zip(first, last, strict=True)]
    if states > 2:
        colours[-1] = last
    return colours


def palette(name: str, states: int) -> np.ndarray:
    """The colour of each state of a named palette, as a picture of ``states`` states shows them.

    Args:
        name: One of :data:`PALETTES`.
        states: Number of states (2 or more).

    Returns:
        ``(states, 3)`` int64 colours, 0-255, state 0 first.
    """
    if name not in PALETTES:
        raise InputError(
            f"unknown palette {name!r}; lifelab knows {', '.join(PALETTES)} (or list the colours of "
            "states 0, 1, ... as '#rrggbb,#rrggbb,...')"
        )
    if states < 2:
        raise InputError(f"a palette has 2 or more states, got {states}")
    if name == "lifelab":
        return np.round(np.asarray(lifelab_colours(states)) * 255).astype(np.int64)
    if name == "golly":
        return (
            _gradient(states, (255, 255, 255), (255, 255, 255))
            if states == 2
            else _gradient(states, GOLLY_RED, GOLLY_YELLOW)
        )
    if name == "golly-ltl":
        return (
            _gradient(states, (255, 255, 255), (255, 255, 255))
            if states == 2
            else _gradient(states, GOLLY_YELLOW, GOLLY_RED)
        )
    from matplotlib import colormaps

    cmap = colormaps[name]
    return (np.asarray(cmap(np.arange(states) / (states - 1)))[:, :3] * 255).round().astype(np.int64)


def recognise(colours: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The palettes a picture's colours may come from, with each colour's state under each.

    Args:
        colours: ``(k, 3)`` or ``(k, 4)`` colours 0-255 (opaque ones only are looked up).

    Returns:
        ``[(name, states), ...]``: every palette of :data:`PALETTES` that draws each colour (a palette of more
        states than the picture shows may fit: states nobody is in), with the state of each colour; empty when
        none does.
    """
    colours = np.asarray(colours, dtype=np.float64)
    if colours.shape[1] == 4:
        if (colours[:, 3] < 255 - MATCH).any():
            return []
        colours = colours[:, :3]
    found = []
    for name in PALETTES:
        for states in range(max(2 if name != "golly-ltl" else 3, len(colours)), len(colours) + 3):
            drawn = palette(name, states)
            distance = np.abs(colours[:, None] - drawn[None]).max(axis=-1)
            nearest = distance.argmin(axis=1)
            if (distance.min(axis=1) <= MATCH).all() and len(set(nearest.tolist())) == len(colours):
                found.append((name, nearest))
                break
    return found
