"""The stacked trainer's compiled kernel: one epoch of Adam steps for many small window networks at once.

The sweep's stacked trainer (:func:`lifelab.learning.stacked.train_stacked`) takes each window network's epoch of
Adam steps here (:func:`window_epoch`), one network to a thread; each network's arithmetic runs in one thread in a
fixed order, so its result does not depend on the number of threads.  numba caches the machine code next to this
file, as for the engines (:mod:`lifelab.engines.compiled`).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from lifelab.utils import compiled_threads

__all__ = ["window_epoch"]

_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-8  # torch.optim.Adam's defaults, which lifelab.learning.training uses
_CLASS_BLOCK = 32  # a multiple of the vector loops' stride (8 doubles of AVX-512, unrolled 4 times)


@nb.njit(inline="always", cache=True, nogil=True)
def _layer(p, weight, bias, inputs, pre):
    """A dense layer on every class at once: unit ``u``'s bias, plus each input in turn times its weight.

    ``inputs`` and ``pre`` hold a unit a row and the classes along it; the
    weights are ``p[weight + u * n_in + i]``, as torch stores them.
    """
    n_in, classes = inputs.shape
    for u in range(pre.shape[0]):
        row, b = pre[u], p[bias + u]
        for c in range(classes):
            row[c] = b
        for i in range(n_in):
            x, wi = inputs[i], p[weight + u * n_in + i]
            for c in range(classes):
                row[c] += x[c] * wi


@nb.njit(inline="always", cache=True, nogil=True)
def _back(p, weight, upstream, pre, down):
    """The gradient at a ReLU layer's units from the layer above it, ``upstream`` (zero where the unit was off)."""
    n_up, classes = upstream.shape
    n_in = down.shape[0]
    for i in range(n_in):
        row = down[i]
        row[:] = 0.0
        for o in range(n_up):
            x, wo = upstream[o], p[weight + o * n_in + i]
            for c in range(classes):
                row[c] += x[c] * wo
        act = pre[i]
        for c in range(classes):
            if act[c] <= 0.0:
                row[c] = 0.0


@nb.njit(inline="always", cache=True, nogil=True)
def _accumulate(grad, weight, bias, upstream, inputs):
    """A layer's weight (and, unless ``bias`` is -1, bias) gradients summed over the classes in turn.

    ``grad[weight + o * n_in + i]`` gains ``upstream[o, c] * inputs[c, i]``
    (``inputs``: a class a row).
    """
    n_out, classes = upstream.shape
    n_in = inputs.shape[1]
    for c in range(classes):
        x = inputs[c]
        for o in range(n_out):
            g = upstream[o, c]
            if bias >= 0:
                grad[bias + o] += g
            base = weight + o * n_in
            for i in range(n_in):
                grad[base + i] += g * x[i]


@nb.njit(cache=True, nogil=True)
def _window_epoch(p, m, v, t, feats, weights, steps, lr, l1, penal, h1, h2):
    """One epoch of one window network (3x3 layer as features @ W1.T, two 1x1 layers); its worst observed probability.

    The activations are held a unit to a row, the observed classes along it
    (padded to :data:`_CLASS_BLOCK` with classes that weigh nothing, whose
    terms are exact zeros), so that the loops over classes vectorise; every
    sum still runs in the per-class order (a unit's bias, then its inputs in
    turn; a gradient over the classes in turn), so the result does not
    depend on the layout.
    """
    d, s_out = feats.shape[1], weights.shape[1]
    seen = [c for c in range(feats.shape[0]) if weights[c].sum() > 0.0]
    classes = max(_CLASS_BLOCK, -(-len(seen) // _CLASS_BLOCK) * _CLASS_BLOCK)
    f, fT = np.zeros((classes, d)), np.zeros((d, classes))
    w, total = np.zeros((s_out, classes)), np.zeros(classes)
    for i, c in enumerate(seen):
        for k in range(d):
            f[i, k] = fT[k, i] = feats[c, k]
        for s in range(s_out):
            w[s, i] = weights[c, s]
        total[i] = weights[c].sum()
    n = len(p)
    o_b1, o_w2 = h1 * d, h1 * d + h1
    o_b2 = o_w2 + h2 * h1
    o_w3 = o_b2 + h2
    o_b3 = o_w3 + s_out * h2
    pen = np.zeros(n)
    for i in range(n):
        if penal[i]:
            pen[i] = l1
    grad = np.empty(n)
    a1, r1, d1 = np.empty((h1, classes)), np.empty((h1, classes)), np.empty((h1, classes))
    a2, r2, d2 = np.empty((h2, classes)), np.empty((h2, classes)), np.empty((h2, classes))
    z, dz = np.empty((s_out, classes)), np.empty((s_out, classes))
    r1c, r2c, d1c = np.empty((classes, h1)), np.empty((classes, h2)), np.empty((classes, h1))  # a class a row
    g1 = np.empty(d * h1)
    top, norm = np.empty(classes), np.empty(classes)
    worst = 1.0
    for it in range(steps + 1):
        _layer(p, 0, o_b1, fT, a1)
        np.maximum(a1, 0.0, r1)
        _layer(p, o_w2, o_b2, r1, a2)
        np.maximum(a2, 0.0, r2)
        _layer(p, o_w3, o_b3, r2, z)
        for c in range(classes):
            top[c] = z[0, c]
        for s in range(1, s_out):
            for c in range(classes):
                top[c] = max(top[c], z[s, c])
        norm[:] = 0.0
        for s in range(s_out):
            for c in range(classes):
                norm[c] += np.exp(z[s, c] - top[c])
        if it == steps:
            for s in range(s_out):
                for c in range(classes):
                    if w[s, c] > 0.0:
                        worst = min(worst, np.exp(z[s, c] - top[c]) / norm[c])
            break
        for s in range(s_out):
            for c in range(classes):
                dz[s, c] = total[c] * np.exp(z[s, c] - top[c]) / norm[c] - w[s, c]
        grad[:] = 0.0
        g1[:] = 0.0
        _back(p, o_w3, dz, a2, d2)
        _back(p, o_w2, d2, a1, d1)
        r1c[:], r2c[:], d1c[:] = r1.T, r2.T, d1.T
        _accumulate(grad, o_w3, o_b3, dz, r2c)
        _accumulate(grad, o_w2, o_b2, d2, r1c)
        _accumulate(g1, 0, -1, fT, d1c)  # transposed (input by unit): the inner loop runs over the units, not 2S inputs
        for c in range(classes):
            for j in range(h1):
                grad[o_b1 + j] += d1c[c, j]
        for j in range(h1):
            for k in range(d):
                grad[j * d + k] = g1[k * h1 + j]
        t += 1
        correct1 = 1.0 - _BETA1**t
        correct2 = np.sqrt(1.0 - _BETA2**t)
        step = lr / correct1
        for i in range(n):
            g = grad[i] + pen[i] * np.sign(p[i])
            m[i] += (1.0 - _BETA1) * (g - m[i])
            v[i] = _BETA2 * v[i] + (1.0 - _BETA2) * g * g
            p[i] -= step * m[i] / (np.sqrt(v[i]) / correct2 + _EPS)
    return t, worst


@nb.njit(parallel=True, cache=True, nogil=True)
def _window_epochs(flat, m, v, t, feats, weights, runs, steps, lr, l1, penal, h1, h2, worst):
    for i in nb.prange(len(runs)):
        k = runs[i]
        t[k], worst[k] = _window_epoch(flat[k], m[k], v[k], t[k], feats, weights[k], steps[k], lr, l1, penal, h1, h2)


def window_epoch(
    flat: np.ndarray,
    adam: tuple,
    feats: np.ndarray,
    weights: np.ndarray,
    runs: np.ndarray,
    steps: np.ndarray,
    lr: float,
    l1: float,
    penal: np.ndarray,
    widths: tuple[int, int],
) -> np.ndarray:
    """One epoch of full-batch Adam steps for the ``runs`` of stacked window networks, in place; worst probabilities.

    Each network (a row of ``flat``: its 3x3 layer's weights as ``(h1, D)``,
    bias, then the two 1x1 layers', as ``named_parameters()`` orders them)
    takes ``steps[k]`` steps of torch's Adam on the cross-entropy of its
    classes' weighted next states plus an L1 term on the ``penal`` entries,
    one network to a thread.

    Args:
        flat: ``(K, n)`` float64 parameters.
        adam: ``(m, v, t)``: ``(K, n)`` moments and ``(K,)`` step counts.
        feats: ``(C, D)`` the classes' window features.
        weights: ``(K, C, S)`` weights of each class's next states.
        runs: Rows to train.
        steps: ``(K,)`` steps each row takes.
        lr: The epoch's learning rate.
        l1: L1 coefficient.
        penal: ``(n,)`` bool, the entries the L1 term penalises.
        widths: ``(h1, h2)`` the hidden widths.

    Returns:
        ``(K,)``: for each trained row, the least probability it gives an observed next state.
    """
    m, v, t = adam
    worst = np.ones(len(flat))
    with compiled_threads():
        _window_epochs(flat, m, v, t, feats, weights, runs, steps, lr, l1, penal, widths[0], widths[1], worst)
    return worst
