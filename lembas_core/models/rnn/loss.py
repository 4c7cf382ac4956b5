"""The LEMBAS-RNN training loss (``upstream_spec.md`` 3.4, LEMBAS defaults), term by term.

MSE + sign-violation L1 + L2 + uniform-state regulariser + spectral-radius barrier. The two terms that
dominate a step's cost at the upstream size have hand-written backward passes (the same gradient as
autograd, without its per-operation overhead): the uniform-state term (a sort of every node's states over
the batch) and the power iteration that estimates the Jacobian's spectral radius.
"""

from __future__ import annotations

import numpy as np
import torch

from lembas_core.models.rnn.activation import mml_derivative
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.rnn.sparse import CSRPattern
from lembas_core.models.settings import RNNTraining


class _SignViolation(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w: torch.Tensor, sign: torch.Tensor):
        violation = (sign * w).neg_().clamp_(min=0)  # |w| where the signs disagree, else 0
        ctx.save_for_backward(sign, violation)
        return violation.sum()

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        sign, violation = ctx.saved_tensors
        return torch.sign(violation).mul_(sign).mul_(-grad), None  # sign(violation): 1 where violated


def sign_violation(w: torch.Tensor, sign: torch.Tensor) -> torch.Tensor:
    """Sum of |w| over the edges whose weight has the opposite sign of their mode of action `sign` (+1/-1),
    both (edges,); gradient -sign on those edges, 0 elsewhere (also at w = 0)."""
    return _SignViolation.apply(w, sign)


def _ranks_order(x: torch.Tensor) -> torch.Tensor:
    """Column order that sorts each row of `x` (nodes x batch) ascending (NumPy's sort is faster on CPU)."""
    if x.device.type == "cpu":
        return torch.from_numpy(np.argsort(x.numpy(), axis=1))
    return torch.argsort(x, dim=1)


class _UniformPenalty(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, target: torch.Tensor, upper: float):
        order = _ranks_order(x.detach())
        # the target of each state is the spread's value at its rank within its row
        matched = torch.empty_like(x).scatter_(1, order, target.expand_as(x).contiguous())
        below, above = x.clamp(max=0), (x - upper).clamp(min=0)
        ctx.save_for_backward(x - matched, below, above)
        return ((x - matched) ** 2).sum() + (below**2).sum() + (above**2).sum()

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        off, below, above = ctx.saved_tensors
        return 2 * grad * (off + below + above), None, None


def uniform_penalty(x: torch.Tensor, upper: float) -> torch.Tensor:
    """Distance of every node's states (rows of `x`, nodes x batch) from an even spread over [0, upper]:
    sum((sorted row - linspace(0, upper, batch))^2) + sum(min(x, 0)^2) + sum(max(x - upper, 0)^2).

    Ties within a row may take either rank (any choice is a valid gradient of the sorted-distance term).
    """
    target = torch.linspace(0.0, upper, x.shape[1], dtype=x.dtype, device=x.device)
    return _UniformPenalty.apply(x, target, float(upper))


class _PowerIteration(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w_core: torch.Tensor, slope: torch.Tensor, v: torch.Tensor, pattern: CSRPattern, steps: int):
        matrix = pattern.matrix(w_core)
        vectors, norms = [v], []
        for _ in range(steps):
            a = slope * (matrix @ vectors[-1])
            norm = a.norm(dim=0, keepdim=True) + 1e-30
            norms.append(norm)
            vectors.append(a / norm)
        first = steps // 2
        ctx.pattern, ctx.steps, ctx.first = pattern, steps, first
        ctx.save_for_backward(w_core, slope, *vectors, *norms)
        return torch.log(torch.cat(norms[first:])).mean(dim=0)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        w_core, slope, *saved = ctx.saved_tensors
        steps, first, pattern = ctx.steps, ctx.first, ctx.pattern
        vectors, norms = saved[: steps + 1], saved[steps + 1 :]
        transposed = pattern.transposed(w_core)
        per_step = grad[None, :] / (steps - first)  # d output / d log(norm_s) for s >= first
        grad_v = torch.zeros_like(vectors[0])  # dL / d vectors[s + 1] on entry
        lefts, rights = [], []
        for s in range(steps - 1, -1, -1):
            v_next, norm = vectors[s + 1], norms[s]
            # v_next = a / n with n = |a| (the 1e-30 guard is below float resolution):
            # dL/da = (dL/dv_next - v_next (v_next . dL/dv_next) + v_next dL/dlog(n)) / n
            grad_a = grad_v - v_next * (v_next * grad_v).sum(dim=0, keepdim=True)
            if s >= first:
                grad_a = grad_a + per_step * v_next
            grad_a = grad_a / norm
            grad_product = slope * grad_a  # a = slope * (W v)
            lefts.append(grad_product)
            rights.append(vectors[s])
            if s > 0:
                grad_v = transposed @ grad_product
        grad_w = pattern.sddmm(torch.cat(lefts, dim=1), torch.cat(rights, dim=1))
        return grad_w, None, None, None, None


def spectral_radius_estimate(
    model: LembasRNN, z: torch.Tensor, cfg: RNNTraining, generator: torch.Generator
) -> torch.Tensor:
    """Per-sample spectral radius (first `cfg.spectral_samples` columns of `z`) of the one-step Jacobian
    diag(MML'(z)) W on the core, differentiable in w.

    Normalised power iteration on `spectral_probes` random probes per sample; the estimate is the
    geometric mean of the growth factors |J v| / |v| over the second half of the steps (robust to
    complex dominant pairs, where a Rayleigh quotient underestimates), maximum over probes. rho(J)
    equals rho of its core block, since non-core nodes have no outgoing edges.
    """
    n_samples = min(cfg.spectral_samples, z.shape[1])
    slope = mml_derivative(z[model.core_idx, :n_samples].detach(), model.leak)
    slope = slope.repeat_interleave(cfg.spectral_probes, dim=1)
    probes = torch.randn(slope.shape, generator=generator, dtype=z.dtype).to(z.device)
    v = probes / probes.norm(dim=0, keepdim=True)
    w_core = model.w.index_select(0, model.cc_edges)  # its backward scatters with index_add, not index_put
    log_growth = _PowerIteration.apply(w_core, slope, v, model.core_pattern, cfg.spectral_power_steps)
    return torch.exp(log_growth).view(n_samples, cfg.spectral_probes).max(dim=1).values


def loss_terms(  # wide: one batch's states and targets, the step's lr and barrier weight, settings, random stream
    model: LembasRNN,
    states: tuple[torch.Tensor, torch.Tensor],
    y: torch.Tensor,
    lr: float,
    cfg: RNNTraining,
    generator: torch.Generator,
    spectral_weight: float = 1.0,
) -> dict[str, torch.Tensor]:
    """Every loss term of one batch (summing the terms not starting with "_" gives the training loss).

    `states` = (x_full, z) as returned by `model.states`: the node states and pre-activations, both
    (nodes x batch); `y` the observed outputs (batch x outputs), compared with `model.readout(x_full)`.
    `lr` scales the uniform-state term; `generator` draws the spectral-radius probes. `spectral_weight`
    multiplies the spectral barrier; 0 skips the estimate (no probes drawn; "_radius" is NaN): training
    estimates it every `spectral_every`-th step with that weight, the same gradient on average (Adam's
    per-weight scaling makes the steps up to sqrt(spectral_every) smaller while the barrier dominates).
    """
    x_full, z = states
    # the readout in the states' layout (outputs x batch): the same values as model.readout(x_full) - y,
    # without a transposed operand in the elementwise work
    residual = model.w_out[:, None] * x_full.index_select(0, model.output_idx) + model.b_out[:, None] - y.t()
    w = model.w
    terms = {
        "mse": torch.mean(residual**2),
        "sign": cfg.moa_lambda * sign_violation(w, model.sign_t),
        "l2": cfg.l2_lambda
        * (
            (w**2).sum()
            + (model.bias**2).sum()
            + ((model.w_out - model.projection_amplitude_out) ** 2).sum()
            + (model.b_out**2).sum()
        ),
        "uniform": cfg.uniform_lambda * lr * uniform_penalty(x_full, cfg.uniform_max),
    }
    if spectral_weight == 0:
        return {**terms, "spectral": torch.zeros_like(terms["mse"]), "_radius": torch.full_like(terms["mse"], np.nan)}
    radius = spectral_radius_estimate(model, z, cfg, generator)
    barrier_radius = model.tolerance ** (1.0 / cfg.target_steps)  # the barrier's target, not the initial radius
    barrier = torch.exp(cfg.exp_factor * (radius - barrier_radius)) * radius / radius.detach().sum().clamp(min=1e-12)
    return {
        **terms,
        "spectral": spectral_weight * cfg.spectral_factor * barrier.sum(),
        "_radius": radius.detach().mean(),
    }
