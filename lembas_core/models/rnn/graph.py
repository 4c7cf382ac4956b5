"""The LEMBAS-RNN graph: edge order, the recurrent core, and name matching of inputs and outputs.

Weights live in one vector `w` in the **CSR order of W[target, source]** (rows = targets sorted by
node index, then sources ascending), the order the LEMBAS reference code relies on. Nodes are the
sorted union of TF and Gene names (ingest already stores them that way). No n x n matrix is ever
built: everything is index arrays.

The recurrent core is the set of nodes with at least one outgoing edge (regulators). A node without
outgoing edges never feeds back, so the state of the core at step t depends only on the core at
step t-1; all other nodes are needed only at the last step. `core_rows`/`core_cols` give the
core -> core submatrix and `cc_edges` the positions of its entries in `w`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from lembas_core.io.errors import InputDataError, preview


@dataclass
class RNNGraph:
    """Edge list of W[target, source] in CSR order, the recurrent core, and input/output node indices."""

    nodes: list[str]
    crow: np.ndarray  # int64 (n + 1): CSR row pointer of W[target, source]
    col: np.ndarray  # int64 (E): source node of each edge, CSR order
    row: np.ndarray  # int64 (E): target node of each edge
    sign: np.ndarray  # int8 (E): +1 / -1 mode of action
    core: np.ndarray  # int64: node indices of the recurrent core (out-degree > 0), ascending
    input_idx: np.ndarray  # int64 (n_in): node of each input feature, in the data's column order
    output_idx: np.ndarray  # int64 (n_out): node of each target, in the data's column order

    @property
    def n_nodes(self) -> int:
        """Number of network nodes."""
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        """Number of edges (trainable weights)."""
        return int(self.col.size)

    @property
    def regulators(self) -> np.ndarray:
        """Incoming edges of every node (n_nodes,): the CSR rows' lengths."""
        return np.diff(self.crow)

    def core_local(self) -> np.ndarray:
        """Map node index -> position in the core (-1 outside)."""
        local = np.full(self.n_nodes, -1, dtype=np.int64)
        local[self.core] = np.arange(self.core.size)
        return local

    def core_submatrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(crow, col, edge positions in w) of the core x core block, CSR in core-local indices."""
        local = self.core_local()
        keep = local[self.row] >= 0
        rows, cols = local[self.row[keep]], local[self.col[keep]]
        crow = np.zeros(self.core.size + 1, dtype=np.int64)
        np.add.at(crow, rows + 1, 1)
        return np.cumsum(crow), cols, np.flatnonzero(keep)

    def full_to_core_cols(self) -> np.ndarray:
        """Column indices of every edge in core-local numbering (all sources are core nodes)."""
        return self.core_local()[self.col]


def build_graph(
    nodes: list[str], source: np.ndarray, target: np.ndarray, sign: np.ndarray, features: list[str], targets: list[str]
) -> RNNGraph:
    """Build the graph from an edge list (node indices) and match inputs/outputs by name.

    Duplicate edges are summed and zero sums dropped, as in the upstream `parse_network`.
    """
    n = len(nodes)
    matrix = sp.csr_matrix((sign.astype(np.float64), (target, source)), shape=(n, n))
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    matrix.sort_indices()
    values = matrix.data
    if np.any(np.abs(values) != 1):
        raise InputDataError(
            None,
            "duplicate edges with the same sign summed to a weight of magnitude > 1",
            "collapse duplicate network rows before training",
            where="RNN network",
        )
    crow, col = matrix.indptr.astype(np.int64), matrix.indices.astype(np.int64)
    row = np.repeat(np.arange(n, dtype=np.int64), np.diff(crow))
    core = np.unique(col)
    index = {name: i for i, name in enumerate(nodes)}
    missing_in = [f for f in features if f not in index]
    missing_out = [t for t in targets if t not in index]
    if missing_in or missing_out:
        raise InputDataError(
            None,
            f"{len(missing_in)} input feature(s) ({preview(missing_in)}) and "
            f"{len(missing_out)} target(s) ({preview(missing_out)}) are not network nodes",
            "the RNN predicts only network nodes: set preprocess.targets_outside_network: drop, "
            "or use a network that contains them",
            where="RNN inputs/outputs",
        )
    return RNNGraph(
        nodes=list(nodes),
        crow=crow,
        col=col,
        row=row,
        sign=np.sign(values).astype(np.int8),
        core=core,
        input_idx=np.array([index[f] for f in features], dtype=np.int64),
        output_idx=np.array([index[t] for t in targets], dtype=np.int64),
    )


def transpose_csr(
    crow: np.ndarray, col: np.ndarray, n_rows: int, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR of the transpose: (crow_t, col_t, perm) with values_t = values[perm]."""
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(crow))
    perm = np.lexsort((rows, col)).astype(np.int64)  # sort edges by column, then row
    crow_t = np.zeros(n_cols + 1, dtype=np.int64)
    np.add.at(crow_t, col + 1, 1)
    return np.cumsum(crow_t), rows[perm], perm
