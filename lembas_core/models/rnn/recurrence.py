"""The LEMBAS recurrence as one autograd node with a hand-written backward.

Forward (states are nodes x batch; the core is the set of nodes with outgoing edges):

    x_0 = 0,  z_t = W_cc x_{t-1} + b_c + u_c,  x_t = MML(z_t)     t = 1 .. T-1, core rows only
    z_T = W x_{T-1} + b + u,                   x_T = MML(z_T)     every node, one sparse product

Backward, with g_T = dL/dx_T * MML'(z_T) (+ dL/dz_T):

    g_t = (W_cc^T g_{t+1}) * MML'(z_t)   (g_{T-1} from W^T g_T),
    dL/dW = g_T x_{T-1}^T + sum_t g_t x_{t-1}^T   sampled on the edges (SDDMM),
    dL/db = sum over the batch of every g_t,  dL/du = the same per sample.

Exactly the gradient of unrolled autograd (tests compare with a dense reference to 1e-12 in float64), at a
fraction of its framework overhead: the core's weights are gathered once, the activation's derivative is one
pass per step, and the core's weight gradient of all steps is one SDDMM over the steps laid side by side
(inner dimension batch x steps) instead of one per step. The step x_0 -> x_1 needs no product (x_0 = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lembas_core.models.rnn.activation import mml, mml_derivative
from lembas_core.models.rnn.sparse import CSRPattern


@dataclass(frozen=True)
class RecurrenceGraph:
    """What one recurrence needs of a model: sparsity patterns, index tensors and constants (one device)."""

    core_pattern: CSRPattern  # core x core
    last_pattern: CSRPattern  # nodes x core: every edge
    cc_edges: torch.Tensor  # positions of the core x core edges in w
    core_idx: torch.Tensor  # node index of each core node
    max_steps: int
    tolerance: float
    leak: float

    def converged(self, t: int, new: torch.Tensor, old: torch.Tensor) -> bool:
        """Upstream's check: only every 10 steps after step 20 (never with max_steps = 10)."""
        return t % 10 == 0 and t > 20 and bool((new - old).abs().max() < self.tolerance)


class _Recurrence(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w: torch.Tensor, bias: torch.Tensor, u: torch.Tensor, graph: RecurrenceGraph):
        leak = graph.leak
        w_core = w.index_select(0, graph.cc_edges)
        core_matrix = graph.core_pattern.matrix(w_core)
        b_core, u_core = bias.index_select(0, graph.core_idx)[:, None], u.index_select(0, graph.core_idx)
        x = torch.zeros_like(u_core)
        pre, post = [], []  # z_t and x_t of the core steps
        for t in range(1, graph.max_steps):
            z = b_core + u_core if t == 1 else core_matrix @ x + b_core + u_core
            new = mml(z, leak)
            done = graph.converged(t, new, x)
            pre.append(z)
            post.append(new)
            x = new
            if done:
                break
        z_last = graph.last_pattern.matrix(w) @ x + bias[:, None] + u
        ctx.graph = graph
        ctx.n_core_steps = len(pre)
        ctx.save_for_backward(w, z_last, x, *pre, *post)
        return mml(z_last, leak), z_last

    @staticmethod
    def backward(ctx, grad_x: torch.Tensor | None, grad_z: torch.Tensor | None):
        graph: RecurrenceGraph = ctx.graph
        w, z_last, x_core, *saved = ctx.saved_tensors
        pre, post = saved[: ctx.n_core_steps], saved[ctx.n_core_steps :]
        g = torch.zeros_like(z_last) if grad_x is None else grad_x * mml_derivative(z_last, graph.leak)
        if grad_z is not None:
            g = g + grad_z
        grad_w = graph.last_pattern.sddmm(g, x_core)
        grad_bias = g.sum(dim=1)
        grad_u = g.clone() if ctx.needs_input_grad[2] else None
        if pre:
            core_t = graph.core_pattern.transposed(w.index_select(0, graph.cc_edges))
            g_core = graph.last_pattern.transposed(w) @ g
            lefts, rights = [], []
            bias_core = grad_bias.new_zeros(graph.core_idx.numel())
            u_core = torch.zeros_like(g_core) if grad_u is not None else None
            for t in range(len(pre), 0, -1):  # g_core is dL/dx_t on entry
                g_core = g_core * mml_derivative(pre[t - 1], graph.leak)
                bias_core += g_core.sum(dim=1)
                if u_core is not None:
                    u_core += g_core
                if t > 1:
                    lefts.append(g_core)
                    rights.append(post[t - 2])
                    g_core = core_t @ g_core
            grad_bias.index_add_(0, graph.core_idx, bias_core)
            if grad_u is not None:
                grad_u.index_add_(0, graph.core_idx, u_core)
            if lefts:
                core_grad = graph.core_pattern.sddmm(torch.cat(lefts, dim=1), torch.cat(rights, dim=1))
                grad_w.index_add_(0, graph.cc_edges, core_grad)
        return grad_w, grad_bias, grad_u, None


def recurrence(
    w: torch.Tensor, bias: torch.Tensor, u: torch.Tensor, graph: RecurrenceGraph
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x_T, z_T), both (nodes x batch), for edge weights `w` (E,), biases (nodes,) and input `u` (nodes x
    batch); differentiable in all three."""
    return _Recurrence.apply(w, bias, u, graph)
