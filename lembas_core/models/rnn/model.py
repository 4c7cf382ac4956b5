"""LEMBAS-RNN (upstream architecture), sparse.

    u      = scatter(w_in * x) onto the input nodes           (w_in frozen at projection_amplitude_in)
    x_0    = 0,  x_{t+1} = MML(W x_t + b + u)                  (max_steps steps unless converged)
    y_hat  = w_out * x_T[output nodes] + b_out

State tensors are (nodes x batch). Only the recurrent core (nodes with outgoing edges) is iterated for
the first T-1 steps; the last step computes every node with one sparse product from the core state.
This is exact: non-core nodes never feed back (`forward_full_graph` is the plain reference).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import torch
from torch import nn

from lembas_core.models.rnn.activation import mml
from lembas_core.models.rnn.graph import RNNGraph
from lembas_core.models.rnn.recurrence import RecurrenceGraph, recurrence
from lembas_core.models.rnn.sparse import CSRPattern, csr_matmul
from lembas_core.models.settings import RNNArchitecture


def spectral_radius_scipy(graph: RNNGraph, weights: np.ndarray, seed: int) -> float:
    """|largest eigenvalue| of W (raw weights, no activation factor), sparse ARPACK, seeded start vector."""
    rows, cols, edges = graph.core_submatrix()
    matrix = sp.csr_matrix((weights[edges], cols, rows), shape=(graph.core.size, graph.core.size))
    if matrix.nnz == 0:
        return 0.0
    v0 = np.random.default_rng(seed).random(graph.core.size)
    if graph.core.size < 3:
        return float(np.abs(np.linalg.eigvals(matrix.toarray())).max())
    value = spla.eigs(matrix, k=1, which="LM", v0=v0, return_eigenvectors=False, maxiter=10000, tol=1e-8)
    return float(np.abs(value[0]))


def initial_parameters(graph: RNNGraph, seed: int, spectral_init: float) -> tuple[np.ndarray, np.ndarray]:
    """LEMBAS initialisation: |w| ~ U(0.1, 0.2) with the edge sign, bias 1e-3 (1 where every incoming
    edge inhibits), then W rescaled to spectral radius `spectral_init`.

    The spectral radius of W equals that of its core block (the rest is block-triangular), so only
    the core is handed to the eigensolver.
    """
    rng = np.random.default_rng(seed)
    weights = (0.1 + 0.1 * rng.random(graph.n_edges)) * graph.sign
    bias = np.full(graph.n_nodes, 1e-3)
    n_in = graph.regulators
    n_inhibiting = np.bincount(graph.row, weights=(graph.sign < 0).astype(float), minlength=graph.n_nodes)
    bias[(n_in > 0) & (n_inhibiting == n_in)] = 1.0
    radius = spectral_radius_scipy(graph, weights, seed)
    if radius > 0:
        weights *= spectral_init / radius
    return weights, bias


class LembasRNN(nn.Module):
    """Sparse LEMBAS-RNN over `graph`; parameters: w (edges), bias (nodes), w_in (frozen), w_out, b_out."""

    def __init__(
        self,
        graph: RNNGraph,
        architecture: RNNArchitecture,
        seed: int = 0,
        dtype: torch.dtype = torch.float32,
        initialize: bool = True,
    ):
        super().__init__()
        self.graph = graph
        self.architecture = architecture
        self.max_steps, self.tolerance, self.leak = (
            int(architecture.max_steps),
            float(architecture.tolerance),
            float(architecture.leak),
        )
        projection_amplitude_in, projection_amplitude_out = (
            architecture.projection_amplitude_in,
            architecture.projection_amplitude_out,
        )
        if initialize:
            weights, bias = initial_parameters(graph, seed, architecture.spectral_init)
        else:  # parameters come from a saved model or an imported checkpoint
            weights, bias = np.zeros(graph.n_edges), np.zeros(graph.n_nodes)
        self.w = nn.Parameter(torch.as_tensor(weights, dtype=dtype))
        self.bias = nn.Parameter(torch.as_tensor(bias, dtype=dtype))
        self.w_in = nn.Parameter(
            torch.full((graph.input_idx.size,), float(projection_amplitude_in), dtype=dtype), requires_grad=False
        )
        self.w_out = nn.Parameter(torch.full((graph.output_idx.size,), float(projection_amplitude_out), dtype=dtype))
        self.b_out = nn.Parameter(torch.zeros(graph.output_idx.size, dtype=dtype))
        self.projection_amplitude_in, self.projection_amplitude_out = (
            float(projection_amplitude_in),
            float(projection_amplitude_out),
        )
        self._build_patterns("cpu")

    def _build_patterns(self, device) -> None:
        g = self.graph
        cc_crow, cc_col, cc_edges = g.core_submatrix()
        self.core_pattern = CSRPattern(cc_crow, cc_col, (g.core.size, g.core.size), device)
        self.last_pattern = CSRPattern(g.crow, g.full_to_core_cols(), (g.n_nodes, g.core.size), device)
        self.full_pattern = CSRPattern(g.crow, g.col, (g.n_nodes, g.n_nodes), device)

        def as_index(array: np.ndarray) -> torch.Tensor:
            return torch.as_tensor(array, dtype=torch.int64, device=device)

        self.cc_edges, self.core_idx = as_index(cc_edges), as_index(g.core)
        self.input_idx, self.output_idx = as_index(g.input_idx), as_index(g.output_idx)
        self.sign_t = torch.as_tensor(g.sign, dtype=self.w.dtype, device=device)
        self.recurrence_graph = RecurrenceGraph(
            self.core_pattern,
            self.last_pattern,
            self.cc_edges,
            self.core_idx,
            self.max_steps,
            self.tolerance,
            self.leak,
        )

    def to_device(self, device: torch.device | str) -> LembasRNN:
        """Move parameters and index patterns to `device`; return self."""
        self.to(device)
        self._build_patterns(device)
        return self

    def project_input(self, x: torch.Tensor, noise: torch.Tensor | None = None) -> torch.Tensor:
        """u (nodes x batch): w_in * x on the input nodes, 0 elsewhere (+ optional noise on all nodes: then
        `noise` itself is returned, with w_in * x added in place)."""
        if noise is None:
            u = torch.zeros(self.graph.n_nodes, x.shape[0], dtype=self.w.dtype, device=x.device)
            return u.index_copy(0, self.input_idx, (self.w_in * x).t())
        return noise.index_add_(0, self.input_idx, (self.w_in * x).t())

    def states(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(x_T, z_T) for all nodes (nodes x batch), iterating the core for the first T-1 steps
        (:func:`~lembas_core.models.rnn.recurrence.recurrence`, one autograd node)."""
        return recurrence(self.w, self.bias, u, self.recurrence_graph)

    def forward_full_graph(self, u: torch.Tensor) -> torch.Tensor:
        """Reference: iterate every node for all steps (same result as `states`, slower)."""
        bias = self.bias[:, None]
        x = torch.zeros_like(u)
        for t in range(1, self.max_steps + 1):
            new = mml(csr_matmul(self.w, x, self.full_pattern) + bias + u, self.leak)
            done = self.recurrence_graph.converged(t, new, x)
            x = new
            if done:
                break
        return x

    def readout(self, x_full: torch.Tensor) -> torch.Tensor:
        """y_hat (batch x outputs) from the node states (nodes x batch)."""
        return (self.w_out[:, None] * x_full.index_select(0, self.output_idx) + self.b_out[:, None]).t()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Predictions (batch x outputs) for inputs `x` (batch x inputs)."""
        x_full, _ = self.states(self.project_input(x))
        return self.readout(x_full)

    @torch.no_grad()
    def predict(self, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """Predictions (samples x targets) as float32 numpy."""
        self.eval()
        device = self.w.device
        out = [
            self(torch.as_tensor(np.array(x[i : i + batch_size]), dtype=self.w.dtype, device=device))
            .float()
            .cpu()
            .numpy()
            for i in range(0, len(x), batch_size)
        ]
        return np.concatenate(out) if out else np.zeros((0, self.graph.output_idx.size), np.float32)
