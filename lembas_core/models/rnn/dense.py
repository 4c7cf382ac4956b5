"""A plain dense implementation of the upstream LEMBAS-RNN, in the upstream state-dict layout.

Reference only: for tests (the sparse model must equal it) and for the benchmark (the cost of the
upstream approach). It holds an n x n matrix and uses autograd through every step, as the upstream
``RNN_reconstructor.py`` does; inputs and outputs are in sorted-name order (upstream `np.intersect1d`).
"""

from __future__ import annotations

import torch
from torch import nn

from lembas_core.models.rnn.activation import mml
from lembas_core.models.rnn.model import LembasRNN


class DenseLembasRNN(nn.Module):
    """LEMBAS-RNN with a dense n x n W, parameters named as in the upstream state dict."""

    def __init__(
        self,
        n_nodes: int,
        input_idx: torch.Tensor,
        output_idx: torch.Tensor,
        max_steps: int,
        leak: float,
        dtype: torch.dtype,
    ):
        super().__init__()
        self.input_layer = nn.Module()
        self.signaling_network = nn.Module()
        self.output_layer = nn.Module()
        self.input_layer.weights = nn.Parameter(torch.ones(len(input_idx), dtype=dtype), requires_grad=False)
        self.signaling_network.weights = nn.Parameter(torch.zeros(n_nodes, n_nodes, dtype=dtype))
        self.signaling_network.bias = nn.Parameter(torch.zeros(n_nodes, 1, dtype=dtype))
        self.output_layer.weights = nn.Parameter(torch.ones(len(output_idx), dtype=dtype))
        self.output_layer.bias = nn.Parameter(torch.zeros(len(output_idx), dtype=dtype))
        self.register_buffer("input_idx", torch.as_tensor(input_idx))
        self.register_buffer("output_idx", torch.as_tensor(output_idx))
        self.max_steps, self.leak = max_steps, leak

    @classmethod
    def from_sparse(
        cls, model: LembasRNN, features: list[str], targets: list[str]
    ) -> tuple[DenseLembasRNN, list[str], list[str]]:
        """The same model in upstream layout; returns (dense model, sorted inputs, sorted outputs)."""
        g = model.graph
        inputs, outputs = sorted(features), sorted(targets)
        f_pos, t_pos = {f: i for i, f in enumerate(features)}, {t: i for i, t in enumerate(targets)}
        index = {name: i for i, name in enumerate(g.nodes)}
        dense = cls(
            g.n_nodes,
            [index[f] for f in inputs],
            [index[t] for t in outputs],
            model.max_steps,
            model.leak,
            model.w.dtype,
        )
        with torch.no_grad():
            dense.signaling_network.weights[torch.as_tensor(g.row), torch.as_tensor(g.col)] = model.w.detach().cpu()
            dense.signaling_network.bias.copy_(model.bias.detach().cpu()[:, None])
            dense.input_layer.weights.copy_(model.w_in.detach().cpu()[[f_pos[f] for f in inputs]])
            dense.output_layer.weights.copy_(model.w_out.detach().cpu()[[t_pos[t] for t in outputs]])
            dense.output_layer.bias.copy_(model.b_out.detach().cpu()[[t_pos[t] for t in outputs]])
        return dense, inputs, outputs

    def node_states(self, x: torch.Tensor) -> torch.Tensor:
        """States (nodes x batch) after max_steps steps from x_0 = 0."""
        u = torch.zeros(self.signaling_network.weights.shape[0], x.shape[0], dtype=x.dtype)
        u[self.input_idx] = (self.input_layer.weights * x).t()
        state = torch.zeros_like(u)
        for _ in range(self.max_steps):
            state = mml(self.signaling_network.weights @ state + self.signaling_network.bias + u, self.leak)
        return state

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Predictions (batch x outputs, sorted-name order) for `x` (batch x inputs, sorted-name order)."""
        state = self.node_states(x)
        return (self.output_layer.weights[:, None] * state[self.output_idx] + self.output_layer.bias[:, None]).t()
