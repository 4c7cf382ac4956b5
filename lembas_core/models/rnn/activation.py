"""The MML (Michaelis-Menten-like) activation of LEMBAS and its derivative, elementwise on any shape.

Both are written with min/max arithmetic instead of `torch.where` (several times slower on CPU) and give
the piecewise definition's values bit for bit: each branch is computed as the definition writes it and the
other contributes an exact 0 or is not picked (for z > 0.5, fl(1 - 0.25/z) <= z, so the minimum picks it).
"""

from __future__ import annotations

import torch


def _mml_values(z: torch.Tensor, leak: float) -> torch.Tensor:
    positive = z.clamp(min=0)
    saturating = torch.minimum(positive, 1.0 - 0.25 / z.clamp(min=0.5))
    return z.clamp(max=0).mul_(leak).add_(saturating)


class _MML(torch.autograd.Function):
    """Autograd through the min/max form would pass gradient through both clamps at z = 0 (1 + leak); this
    backward uses :func:`mml_derivative`, the piecewise definition's derivative."""

    @staticmethod
    def forward(ctx, z: torch.Tensor, leak: float) -> torch.Tensor:
        ctx.save_for_backward(z)
        ctx.leak = leak
        return _mml_values(z, leak)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (z,) = ctx.saved_tensors
        return grad * mml_derivative(z, ctx.leak), None


def mml(z: torch.Tensor, leak: float) -> torch.Tensor:
    """Michaelis-Menten-like activation: leak*z (z<0), z (0<=z<=0.5), 1 - 1/(4z) (z>0.5); differentiable
    with :func:`mml_derivative` as its derivative."""
    if torch.is_grad_enabled() and z.requires_grad:
        return _MML.apply(z, leak)
    return _mml_values(z, leak)


def mml_derivative(z: torch.Tensor, leak: float) -> torch.Tensor:
    """Derivative of :func:`mml`: leak (z<0), 1 (0<=z<=0.5), 1/(4z^2) (z>0.5); at the kinks z = 0 and z = 0.5
    the value autograd gives through the piecewise definition (1)."""
    negative = torch.sign(z).neg_().clamp_(min=0)  # 1 where z < 0, else 0 (fast arithmetic, no comparison)
    slope = 0.25 / z.clamp(min=0.5).square()  # exactly 1 for z <= 0.5
    return slope.mul_(1.0 - negative).add_(negative.mul_(leak))
