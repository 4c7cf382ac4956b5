"""Adam with learning rates by parameter: the LEMBAS-RNN's optimizer and the per-edge scaling of its steps.

Adam moves every parameter by about its learning rate per update, whatever its gradient's size, so how fast a
node's function moves depends on how many parameters feed it (docs/models.md, "LEMBAS-RNN training": learning rates
by parameter). The node biases and the readout get their multiples of the schedule's rate as parameter
groups; the edges into nodes of many regulators take a scaled step (:func:`edge_lr_scale`, applied by
:func:`lembas_core.models.rnn.training.training_step` after Adam's).
"""

from __future__ import annotations

import numpy as np
import torch

from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.settings import RNNTraining


def make_optimizer(model: LembasRNN, cfg: RNNTraining) -> torch.optim.Adam:
    """Adam over the trainable parameters in three groups, each with its multiple of the schedule's learning
    rate ("scale", :func:`set_lr`): the edge weights (1; per edge :func:`edge_lr_scale` on top), the node
    biases (`lr_bias`) and the readout w_out, b_out (`lr_readout`). The fused kernel updates the ~1 M edge
    weights in one pass."""
    groups = [
        {"params": [model.w], "scale": 1.0},
        {"params": [model.bias], "scale": float(cfg.lr_bias)},
        {"params": [model.w_out, model.b_out], "scale": float(cfg.lr_readout)},
    ]
    return torch.optim.Adam(groups, lr=1.0, fused=True)


def edge_lr_scale(model: LembasRNN, cfg: RNNTraining) -> torch.Tensor | None:
    """Each edge's learning-rate multiple (edges,): ``min(1, lr_fan_in / regulators of its target node)``; None
    when no edge is scaled (`lr_fan_in` 0, or no node has more regulators than it).

    Adam moves every weight by about the learning rate per update whatever its gradient's size, so a node's
    input moves by up to the rate times the sum of its regulators' states: in proportion to their number.
    Capping that keeps nodes of hundreds of regulators (the upstream network's targets: median 57, up to 683)
    as stable as the demo's (median 15) at the same peak rate.
    """
    if cfg.lr_fan_in <= 0:
        return None
    fan_in = model.graph.regulators[model.graph.row]
    if fan_in.max() <= cfg.lr_fan_in:
        return None
    scale = np.minimum(1.0, cfg.lr_fan_in / fan_in)
    return torch.as_tensor(scale, dtype=model.w.dtype, device=model.w.device)


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set `lr` times the group's "scale" (1 where it has none) on every parameter group."""
    for group in optimizer.param_groups:
        group["lr"] = lr * group.get("scale", 1.0)
