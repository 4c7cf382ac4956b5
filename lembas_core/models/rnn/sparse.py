"""Sparse W @ X with a hand-written backward (no autograd through torch.sparse values).

Forward: CSR matrix-times-dense. Backward: the state gradient is W^T @ G through a precomputed CSR of
the transpose (values gathered with a permutation), and the weight gradient is the sampled dense-dense
product (SDDMM) G @ X^T on the edge pattern. This is the gradient scheme of the original LEMBAS code
(Nilsson et al. 2022), applied per step so that backpropagation through the unrolled steps is exact.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch

from lembas_core.models.rnn.graph import transpose_csr

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta state")


class CSRPattern:
    """A fixed sparsity pattern (CSR) and its transpose, as torch index tensors on one device."""

    def __init__(self, crow: np.ndarray, col: np.ndarray, shape: tuple[int, int], device: torch.device | str = "cpu"):
        self.shape = (int(shape[0]), int(shape[1]))
        crow_t, col_t, perm = transpose_csr(crow, col, *self.shape)

        # int32 indices take MKL's sparse kernels for W @ X (about 7x faster here than int64);
        # the SDDMM is faster with int64 indices, so the pattern keeps both.
        def as_index(array: np.ndarray, dtype: torch.dtype = torch.int32) -> torch.Tensor:
            return torch.as_tensor(np.ascontiguousarray(array), dtype=dtype, device=device)

        self.crow, self.col = as_index(crow), as_index(col)
        self.crow64, self.col64 = as_index(crow, torch.int64), as_index(col, torch.int64)
        self.crow_t, self.col_t, self.perm = as_index(crow_t), as_index(col_t), as_index(perm)

    @property
    def nnz(self) -> int:
        """Number of stored entries (edges)."""
        return int(self.col.numel())

    def matrix(self, values: torch.Tensor) -> torch.Tensor:
        """The sparse CSR matrix with `values` (nnz,) on the pattern."""
        return torch.sparse_csr_tensor(self.crow, self.col, values, self.shape, check_invariants=False)

    def sddmm(self, left: torch.Tensor, right_t: torch.Tensor) -> torch.Tensor:
        """Edge values of (left @ right_t.T) sampled on the pattern, in CSR order."""
        zeros = torch.sparse_csr_tensor(
            self.crow64, self.col64, left.new_zeros(self.nnz), self.shape, check_invariants=False
        )
        return torch.sparse.sampled_addmm(zeros, left, right_t.t(), beta=0.0).values()

    def transposed(self, values: torch.Tensor) -> torch.Tensor:
        """The transpose of :meth:`matrix` as CSR (values permuted, no copy of the pattern)."""
        permuted = values.index_select(0, self.perm)  # faster than values[self.perm] on CPU
        return torch.sparse_csr_tensor(
            self.crow_t, self.col_t, permuted, (self.shape[1], self.shape[0]), check_invariants=False
        )


class _CSRMatmul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, values: torch.Tensor, x: torch.Tensor, pattern: CSRPattern) -> torch.Tensor:
        ctx.pattern = pattern
        ctx.save_for_backward(values, x)
        return pattern.matrix(values) @ x

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        values, x = ctx.saved_tensors
        pattern: CSRPattern = ctx.pattern
        grad = grad.contiguous()
        grad_values = grad_x = None
        if ctx.needs_input_grad[0]:
            grad_values = pattern.sddmm(grad, x.contiguous())
        if ctx.needs_input_grad[1]:
            grad_x = pattern.transposed(values) @ grad
        return grad_values, grad_x, None


def csr_matmul(values: torch.Tensor, x: torch.Tensor, pattern: CSRPattern) -> torch.Tensor:
    """W @ x for W = CSR(pattern, values); differentiable in `values` and `x`."""
    return _CSRMatmul.apply(values, x, pattern)
