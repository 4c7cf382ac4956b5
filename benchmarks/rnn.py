"""LEMBAS-RNN at the upstream network size: our sparse model vs a dense implementation of the same
architecture (dense W, autograd through every step, as the upstream code does), same machine.

Usage: python benchmarks/rnn.py [--threads 2] [--dense-steps 2] [--device cpu|cuda]
(needs the full dataset: data_stages.py). Each implementation runs in its own process so that peak memory is
measured separately. Writes benchmarks/results/rnn.tsv; with --device cuda, ours only (the dense reference
stays on the CPU) to benchmarks/results/rnn_cuda.tsv.

The step is compared with its floor, the three sparse products one update must do at least once, timed two
ways in the same process: warm (in isolation, back to back, median of WARM_REPEATS) and between training blocks
(alternating with them, as the step sees the machine: caches and the allocator as training leaves them). Where
the step's time goes is measured with the PyTorch profiler over PROFILED_BLOCKS blocks of updates, by the
autograd functions of the recurrence, the uniform-state term and the spectral estimate, and Adam's step
(benchmarks/results/rnn_profile.tsv; the profiler adds its own overhead, so the shares are what it reports).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
import torch
from common import cpu_model, require_full_dataset, upstream_settings, write_table

from lembas_core.data.dataset import load_dataset
from lembas_core.models.rnn.dense import DenseLembasRNN
from lembas_core.models.rnn.io import graph_from_dataset
from lembas_core.models.rnn.memory import reuse_freed_memory
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.rnn.optimizer import edge_lr_scale, make_optimizer, set_lr
from lembas_core.models.rnn.sparse import CSRPattern
from lembas_core.models.rnn.training import spectral_weight, training_step
from lembas_core.steps.runtime import configure_threads

BATCH = 25
STEPS = 30  # rounds of (floor, a block of `spectral_every` training updates); medians are reported
WARM_REPEATS = 30  # isolated floor timings (after 3 warm-up calls); the median is reported
PROFILED_BLOCKS = 4  # blocks of `spectral_every` updates under the profiler
# profiler events (their total CPU time, children included) that name a phase of the step; the rest is glue:
# input projection and noise, the readout and MSE, the sign and L2 terms, zeroing gradients
PHASES = {
    "forward recurrence": ("_Recurrence",),
    "backward recurrence": ("_RecurrenceBackward",),
    "uniform-state term": ("_UniformPenalty", "_UniformPenaltyBackward"),
    "spectral estimate": ("_PowerIteration", "_PowerIterationBackward"),
    "Adam": ("Optimizer.step#Adam.step",),
}


DEVICE = "cpu"  # set by the child process


def synced(fn):
    """`fn` followed by a wait for the device (CUDA kernels run asynchronously)."""

    def run():
        out = fn()
        if DEVICE == "cuda":
            torch.cuda.synchronize()
        return out

    return run


def median_ms(fn, repeats: int, warmup: int = 3) -> tuple[float, float]:
    fn = synced(fn)
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), float(np.percentile(times, 95))


def step_and_floor(block, every: int, floor) -> tuple[float, float]:
    """Median ms of one training update (a timed block of `every` updates / `every`, so the spectral estimate's
    cost is amortised) and of the floor, timed alternately in STEPS rounds so that both see the same machine."""
    block, floor = synced(block), synced(floor)
    block(), floor()
    steps, floors = [], []
    for _ in range(STEPS):
        start = time.perf_counter()
        floor()
        middle = time.perf_counter()
        block()
        steps.append(1000 * (time.perf_counter() - middle) / every)
        floors.append(1000 * (middle - start))
    return statistics.median(steps), statistics.median(floors)


def step_profile(block, every: int) -> dict[str, float]:
    """{phase: ms per update} of PROFILED_BLOCKS blocks of `every` updates under the CPU profiler (PHASES,
    "other" for the rest of the profiled wall time, "total" for all of it)."""
    from torch.profiler import ProfilerActivity, profile

    updates = PROFILED_BLOCKS * every
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        start = time.perf_counter()
        for _ in range(PROFILED_BLOCKS):
            block()
        total_ms = 1000 * (time.perf_counter() - start) / updates
    times = {event.key: event.cpu_time_total / 1000 / updates for event in prof.key_averages()}
    phases = {phase: sum(times.get(name, 0.0) for name in names) for phase, names in PHASES.items()}
    return {**phases, "other": total_ms - sum(phases.values()), "total": total_ms}


def run_ours(x, y, x_val) -> dict:
    start = time.perf_counter()
    graph, features, targets = graph_from_dataset(require_full_dataset())
    rnn = upstream_settings().models["rnn"]
    model = LembasRNN(graph, rnn.architecture, seed=rnn.training.seed).to_device(DEVICE)
    build = time.perf_counter() - start
    cfg = rnn.training
    reuse_freed_memory()  # as train() does
    optimizer = make_optimizer(model, cfg)
    set_lr(optimizer, cfg.lr_peak)
    edge_scale = edge_lr_scale(model, cfg)
    generator = torch.Generator().manual_seed(0)

    every = cfg.spectral_every

    def steps():  # `every` consecutive updates of the training loop, one of them estimating the spectral radius
        for k in range(every):
            training_step(model, optimizer, x, y, cfg.lr_peak, cfg, generator, spectral_weight(k, cfg), edge_scale)

    # the floor: the sparse products one step must do at least once (W @ X, W^T @ G, SDDMM) at batch 25
    pattern = CSRPattern(graph.crow, graph.full_to_core_cols(), (graph.n_nodes, graph.core.size), DEVICE)
    values = model.w.detach()
    xs, g = torch.rand(graph.core.size, BATCH, device=DEVICE), torch.rand(graph.n_nodes, BATCH, device=DEVICE)

    def floor():
        return pattern.matrix(values) @ xs, pattern.transposed(values) @ g, pattern.sddmm(g, xs)

    warm_floor_ms, _ = median_ms(floor, repeats=WARM_REPEATS)
    step_ms, floor_ms = step_and_floor(steps, every, floor)
    profile = step_profile(steps, every) if DEVICE == "cpu" else {}
    with torch.no_grad():
        single = median_ms(lambda: model(x_val[:1]), repeats=50)
        batch = median_ms(lambda: model(x_val), repeats=20)
    return {
        "build_s": build,
        "step_ms": step_ms,
        "single_ms": single,
        "batch_ms": batch,
        "floor_ms": floor_ms,
        "warm_floor_ms": warm_floor_ms,
        "profile": profile,
        "nodes": graph.n_nodes,
        "edges": graph.n_edges,
        "core": int(graph.core.size),
        "inputs": len(features),
        "outputs": len(targets),
    }


def run_dense(x, y, x_val, steps: int) -> dict:
    graph, features, targets = graph_from_dataset(require_full_dataset())
    sparse = LembasRNN(graph, upstream_settings().models["rnn"].architecture, initialize=False)
    start = time.perf_counter()
    dense, inputs, outputs = DenseLembasRNN.from_sparse(sparse, features, targets)
    with torch.no_grad():  # upstream prescale_weights: eigs on the dense matrix converted to CSR
        import scipy.sparse as sp
        import scipy.sparse.linalg as spla

        w = dense.signaling_network.weights
        w[torch.as_tensor(graph.row), torch.as_tensor(graph.col)] = torch.as_tensor(
            (0.1 + 0.1 * np.random.default_rng(0).random(graph.n_edges)) * graph.sign, dtype=w.dtype
        )
        radius = abs(spla.eigs(sp.csr_matrix(w.numpy()), k=1, return_eigenvectors=False)[0])
        w *= 0.8 / radius
    mask_moa = torch.zeros_like(w, dtype=torch.int64)  # upstream keeps a dense n x n mode-of-action matrix
    mask_moa[torch.as_tensor(graph.row), torch.as_tensor(graph.col)] = torch.as_tensor(graph.sign, dtype=torch.int64)
    build = time.perf_counter() - start
    optimizer = torch.optim.Adam([p for p in dense.parameters() if p.requires_grad], lr=2e-3)
    target = torch.linspace(0, 1 / 1.2, BATCH)

    def step():  # MSE + sign L1 + L2 + uniform (the dense spectral term needs S x n x n: infeasible)
        state = dense.node_states(x)
        y_hat = (dense.output_layer.weights[:, None] * state[dense.output_idx] + dense.output_layer.bias[:, None]).t()
        weights = dense.signaling_network.weights
        violations = (torch.sign(weights) != mask_moa) & (mask_moa != 0)
        loss = torch.mean((y_hat - y) ** 2) + 0.1 * weights[violations].abs().sum() + 1e-6 * (weights**2).sum()
        loss = loss + 1e-4 * 2e-3 * ((torch.sort(state, dim=1).values - target) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    step_ms, _ = median_ms(step, repeats=steps, warmup=1)
    with torch.no_grad():
        single = median_ms(lambda: dense(x_val[:1]), repeats=5, warmup=1)
        batch = median_ms(lambda: dense(x_val), repeats=3, warmup=1)
    return {"build_s": build, "step_ms": step_ms, "single_ms": single, "batch_ms": batch}


def child(impl: str, threads: int, dense_steps: int, device: str) -> None:
    global DEVICE
    DEVICE = device
    configure_threads(threads)
    torch.manual_seed(0)
    ds = load_dataset(require_full_dataset())
    x = torch.as_tensor(np.array(ds.x["train"][:BATCH]), device=device)
    y = torch.as_tensor(np.array(ds.y["train"][:BATCH]), device=device)
    x_val = torch.as_tensor(np.array(ds.x["validation"]), device=device)
    result = run_ours(x, y, x_val) if impl == "ours" else run_dense(x, y, x_val, dense_steps)
    result["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print("RESULT " + json.dumps(result))


def in_child(impl: str, args: argparse.Namespace) -> dict:
    """Run one implementation in its own process (its own peak RSS); its result dictionary."""
    command = [sys.executable, __file__, "--child", impl, "--threads", str(args.threads)]
    command += ["--dense-steps", str(args.dense_steps), "--device", args.device]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.split("RESULT ", 1)[1])
    print(impl, result, flush=True)
    return result


def cuda_table(args: argparse.Namespace) -> None:
    """Ours on the GPU: training step vs floor, inference, peak host RSS (benchmarks/results/rnn_cuda.tsv)."""
    o = in_child("ours", args)
    rows = [
        ("measure", f"ours (sparse), {torch.cuda.get_device_name(0)}"),
        ("network", f"{o['nodes']} nodes, {o['edges']} edges, core {o['core']}"),
        ("training step, batch 25 (ms)", f"{o['step_ms']:.2f}"),
        ("host CPU", cpu_model()),
        (
            "sparse-product floor, warm (ms)",
            f"{o['warm_floor_ms']:.2f} (step / floor {o['step_ms'] / o['warm_floor_ms']:.1f})",
        ),
        (
            "sparse-product floor, between training blocks (ms)",
            f"{o['floor_ms']:.2f} (step / floor {o['step_ms'] / o['floor_ms']:.1f})",
        ),
        ("inference, 1 sample, median / p95 (ms)", f"{o['single_ms'][0]:.2f} / {o['single_ms'][1]:.2f}"),
        ("inference, 262 samples, median (ms)", f"{o['batch_ms'][0]:.1f}"),
    ]
    write_table("rnn_cuda", f"python benchmarks/rnn.py --device cuda --threads {args.threads}", args.threads, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dense-steps", type=int, default=2)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--child", choices=["ours", "dense"])
    args = parser.parse_args()
    if args.child:
        child(args.child, args.threads, args.dense_steps, args.device)
        return
    if args.device == "cuda":
        cuda_table(args)
        return
    results = {impl: in_child(impl, args) for impl in ("ours", "dense")}
    o, d = results["ours"], results["dense"]
    rows = [
        ("measure", "ours (sparse)", "dense (upstream approach)", "dense / ours"),
        (
            "network",
            f"{o['nodes']} nodes, {o['edges']} edges, core {o['core']}, {o['inputs']} in, {o['outputs']} out",
            "same",
            "",
        ),
        ("construction (s)", f"{o['build_s']:.2f}", f"{d['build_s']:.2f}", f"{d['build_s'] / o['build_s']:.1f}"),
        (
            "training step, batch 25 (ms)",
            f"{o['step_ms']:.1f}",
            f"{d['step_ms']:.0f}",
            f"{d['step_ms'] / o['step_ms']:.0f}",
        ),
        ("CPU", cpu_model(), "same", ""),
        ("sparse-product floor, warm: isolated, median of 30 (ms)", f"{o['warm_floor_ms']:.1f}", "", ""),
        ("sparse-product floor, timed between training blocks (ms)", f"{o['floor_ms']:.1f}", "", ""),
        ("step / warm floor", f"{o['step_ms'] / o['warm_floor_ms']:.2f}", "", ""),
        ("step / floor between blocks", f"{o['step_ms'] / o['floor_ms']:.2f}", "", ""),
        (
            "inference, 1 sample, median / p95 (ms)",
            f"{o['single_ms'][0]:.2f} / {o['single_ms'][1]:.2f}",
            f"{d['single_ms'][0]:.0f} / {d['single_ms'][1]:.0f}",
            f"{d['single_ms'][0] / o['single_ms'][0]:.0f}",
        ),
        (
            "inference, 262 samples, median (ms)",
            f"{o['batch_ms'][0]:.1f}",
            f"{d['batch_ms'][0]:.0f}",
            f"{d['batch_ms'][0] / o['batch_ms'][0]:.0f}",
        ),
        ("peak RSS of the process (GB)", f"{o['peak_rss_gb']:.2f}", f"{d['peak_rss_gb']:.2f}", ""),
    ]
    command = f"python benchmarks/rnn.py --threads {args.threads} --dense-steps {args.dense_steps}"
    write_table("rnn", command, args.threads, rows)
    total = o["profile"]["total"]
    profile_rows = [("phase", "ms per update (profiled)", "share")]
    profile_rows += [(k, f"{v:.2f}", f"{100 * v / total:.0f}%") for k, v in o["profile"].items() if k != "total"]
    profile_rows.append(("total (profiled wall time per update)", f"{total:.2f}", "100%"))
    write_table("rnn_profile", command, args.threads, profile_rows)


if __name__ == "__main__":
    main()
