"""Regenerate the Golly fixtures in this folder (needs Golly's ``bgolly``: ``apt-get install golly``).

    .venv/bin/python tests/golden/make_golden.py
    BGOLLY=/path/to/bgolly4 .venv/bin/python tests/golden/make_golden.py hrot_cross ...

The ``hrot_*`` cases (HROT, and Larger than Life on Golly's other
neighbourhoods) need a bgolly from Golly 4 on: Debian's 3.3 reads neither.  It
builds from Golly's source with no more than a C++ compiler and zlib:
``g++ -O2 -Igollybase gollybase/*.cpp cmdline/bgolly.cpp -o bgolly4 -lz``, or
``make -f makefile-gtk bgolly`` in ``gui-wx`` (the fixtures were made with the
source at commit 5c412348, July 2025, which calls itself bgolly 5.0).

For each case, a seeded random board is written as ``<name>.start.rle`` with
the rule and its grid in the header (a torus ``:T``, or a bounded plane ``:P``
whose outside is dead), bgolly runs it for the stated number of steps on that
grid, and its output is kept as ``<name>.end.rle``.  Name cases on the command
line to regenerate only those.  The tests
(``tests/test_families.py``) compare lifelab's simulation with these files
cell for cell; they do not need Golly.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from lifelab.io.rle import load_rle, save_rle
from lifelab.rules import parse_rule, rule_states

HERE = Path(__file__).parent

#: name: (rule, bgolly algorithm, board side, steps, density of non-dead cells, seed[, grid kind, default "T"])
CASES = {
    "hensel_b2-a_s12": ("B2-a/S12", "QuickLife", 24, 12, 0.3, 1),
    "hensel_b34ek_s2-i3": ("B34ek/S2-i3", "QuickLife", 24, 12, 0.35, 2),
    "brians_brain": ("/2/3", "Generations", 24, 20, 0.35, 3),
    "star_wars": ("345/2/4", "Generations", 24, 20, 0.4, 4),
    "generations_hensel": ("12/2-a/4", "Generations", 24, 16, 0.35, 5),
    "generations_vn": ("2/12/5V", "Generations", 24, 16, 0.4, 6),
    "ltl_r2_box": ("R2,C0,M1,S5..9,B6..8,NM", "Larger than Life", 32, 10, 0.4, 7),
    "ltl_r2_diamond": ("R2,C0,M0,S3..5,B3..4,NN", "Larger than Life", 32, 10, 0.35, 8),
    "ltl_r3_disc": ("R3,C0,M0,S8..14,B9..12,NC", "Larger than Life", 32, 10, 0.45, 9),
    "ltl_r2_c3": ("R2,C3,M1,S5..9,B6..8,NM", "Larger than Life", 32, 10, 0.4, 10),
    "bosco": ("R5,C0,M1,S34..58,B34..45,NM", "Larger than Life", 40, 10, 0.5, 11),
    "plane_life": ("B3/S23", "QuickLife", 24, 12, 0.45, 12, "P"),
    "plane_hensel": ("B2-a/S12", "QuickLife", 24, 8, 0.3, 13, "P"),
    "plane_star_wars": ("345/2/4", "Generations", 24, 6, 0.5, 14, "P"),
    "plane_ltl_r2_box": ("R2,C0,M1,S5..9,B6..8,NM", "Larger than Life", 32, 8, 0.4, 15, "P"),
    "plane_ltl_r3_disc": ("R3,C0,M0,S8..14,B9..12,NC", "Larger than Life", 32, 8, 0.45, 16, "P"),
    # B0 rules, which Golly emulates (lifelab's simulate(..., b0="golly")): odd generations shown complemented,
    # and with S8 the complemented rule
    "b0_life_odd": ("B03/S23", "QuickLife", 24, 7, 0.4, 31),
    "b0_s8": ("B03/S238", "QuickLife", 24, 6, 0.4, 32),
    "b0_hensel": ("B02ae3/S23", "QuickLife", 24, 5, 0.4, 33),
    # Wolfram's elementary rules as Golly draws them down the plane (a live cell stays alive)
    "wolfram_w30": ("W30", "QuickLife", 24, 12, 0.08, 41),
    "wolfram_w110": ("W110", "QuickLife", 24, 12, 0.08, 42),
    "plane_wolfram_w90": ("W90", "QuickLife", 24, 12, 0.08, 43, "P"),
    # Golly 4 (BGOLLY): HROT and the other neighbourhoods
    "hrot_l2_c2": ("R3,C0,S0,7-12,27,B8,12,20-27,N2", "Larger than Life", 32, 10, 0.4, 17),
    "hrot_cross_ltl": ("R2,C0,M1,S2..4,B2..3,N+", "Larger than Life", 32, 10, 0.3, 18),
    "hrot_saltire": ("R2,C0,S1-3,B2-3,NX", "Larger than Life", 32, 10, 0.3, 19),
    "hrot_star": ("R2,C0,S3-6,B3-5,N*", "Larger than Life", 32, 10, 0.35, 20),
    "hrot_hash": ("R2,C0,S4-8,B4-6,N#", "Larger than Life", 32, 10, 0.4, 21),
    "hrot_checkerboard": ("R2,C0,S3-6,B3-4,NB", "Larger than Life", 32, 10, 0.4, 22),
    "hrot_aligned": ("R2,C0,S3-6,B3-4,ND", "Larger than Life", 32, 10, 0.4, 23),
    "hrot_hexagonal": ("R2,C0,S4-8,B4-6,NH", "Larger than Life", 32, 10, 0.4, 24),
    "hrot_custom": ("R2,C0,S2-5,B3-4,N@21FA09", "Larger than Life", 32, 10, 0.4, 25),
    "hrot_weighted": ("R1,C0,S2-3,B3,NW111101111", "Larger than Life", 32, 10, 0.4, 26),
    "hrot_weighted_negative": ("R2,C0,S2-6,B3-5,NW0110112F2112021F2211F0110", "Larger than Life", 32, 10, 0.4, 27),
    "hrot_weighted_states": ("R1,C3,S2-4,B3,NW111101111,012", "Larger than Life", 32, 10, 0.4, 28),
    "hrot_moore_dying": ("R2,C4,S3-7,B4-6", "Larger than Life", 32, 10, 0.4, 29),
    "hrot_gaussian": ("R2,C0,S16-30,B14-24,NG", "Larger than Life", 32, 10, 0.4, 31),
    "hrot_gaussian_dying": ("R3,C3,S40-90,B40-70,NG", "Larger than Life", 32, 10, 0.4, 32),
    "hrot_custom_hex": ("R2,C0,S2-4,B3,N@0EDC00H", "Larger than Life", 32, 10, 0.35, 33),
    "plane_hrot_cross": ("R2,C0,S2-4,B3,N+", "Larger than Life", 32, 8, 0.35, 30, "P"),
}


def main() -> None:
    for name, (rulestring, algorithm, side, steps, density, seed, *kind) in CASES.items():
        if sys.argv[1:] and name not in sys.argv[1:]:
            continue
        rule = parse_rule(f"{rulestring}:{kind[0] if kind else 'T'}{side},{side}")
        states = rule_states(rule)
        start = HERE / f"{name}.start.rle"
        # Golly writes the bounding box of the non-dead cells, without its position: keep the first seed
        # whose end state touches every edge of the grid, so the box is the whole board
        for attempt in range(100):
            rng = np.random.default_rng(seed + 1000 * attempt)
            board = np.where(rng.random((side, side)) < density, rng.integers(1, states, (side, side)), 0)
            save_rle(start, board.astype(np.uint8) if states > 2 else board.astype(bool), rule)
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / "end.rle"
                bgolly = os.environ.get("BGOLLY", "bgolly")
                subprocess.run(
                    [bgolly, "-a", algorithm, "-m", str(steps), "-o", str(out), str(start)],
                    check=True,
                    capture_output=True,
                )
                end, written = load_rle(out)
            if end.shape == (side, side):
                break
        else:
            raise SystemExit(f"{name}: no seed left a board that fills the grid; raise the density")
        save_rle(HERE / f"{name}.end.rle", end, written)
        print(f"{name:22s} {written:40s} {steps} steps, {int((end > 0).sum())} non-dead cells at the end")


if __name__ == "__main__":
    main()
