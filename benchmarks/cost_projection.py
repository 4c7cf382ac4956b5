"""How long a measured run would take on a cluster: its jobs list-scheduled over N nodes and a GPU.

Reads `benchmarks/results/NAME/job_costs.tsv` (`job_costs.py`: every job's measured seconds, threads, memory
request, GPU request and the jobs it waits on) and replays the DAG on a model cluster, printing per node count
the projected wall time next to the critical path (the longest chain of dependent jobs) and a lower bound
(the largest of the critical path, the core-seconds spread over every core and the GPU seconds over the GPUs).

Assumptions:
- a job takes the seconds it took in the measured run (same per-core speed, the same threads), plus a fixed
  overhead per job for submission, queueing and status polling (`--job-overhead`; `job_costs.py` on a SLURM
  run measures it). The SLURM profile runs a prediction with its scoring, and a forecast with its scoring, as
  one cluster job, so a cluster pays fewer submissions than there are jobs: per job, the overhead is an
  upper bound;
- a node runs jobs side by side while their threads fit its cores and their memory requests its memory;
- GPU jobs (the RNN's training) run one per GPU on a GPU node of their own, taking their measured seconds
  divided by `--gpu-speedup` (1: the CPU time of the measured run; no GPU run has been measured);
- ready jobs start longest-remaining-chain first. Snakemake's own order differs: the first row replays the
  measured workstation (1 node x 2 cores, the RNN jobs one at a time on its cores as `profiles/default`'s
  `gpu: 1` keeps them, no overhead), which shows how close the model comes to the measured run.

Usage: python benchmarks/cost_projection.py NAME [--nodes 1 2 4 8 17] [--cores 32] [--memory-gb 128]
       [--gpus 1] [--gpu-speedup 1] [--job-overhead 30]
Writes benchmarks/results/NAME/cost_projection.tsv.
"""

from __future__ import annotations

import argparse
import heapq
from dataclasses import dataclass

import pandas as pd
from common import HERE, write_table


@dataclass
class Cluster:
    """`nodes` nodes of `cores` cores and `memory_mb` each, and `gpus` GPUs that run one GPU job each.

    A GPU job holds a GPU and, when `gpu_on_nodes` (a workstation, where `gpu` is a token that keeps the RNN
    jobs one at a time), also its cores and memory on a node; otherwise it runs on a GPU node of its own.
    """

    nodes: int
    cores: int
    memory_mb: float
    gpus: int = 1
    gpu_speedup: float = 1.0
    job_overhead: float = 0.0
    gpu_on_nodes: bool = False


WORKSTATION = Cluster(1, 2, 24_000, gpus=1, gpu_on_nodes=True)  # profiles/default: 2 cores, resource gpu=1


def read_costs(name: str) -> pd.DataFrame:
    """The job table of run NAME, indexed by job, with its dependencies as lists (jobs without a measurement,
    i.e. failed ones, left out)."""
    path = HERE / "results" / name / "job_costs.tsv"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `python benchmarks/job_costs.py RUN_DIR --name {name}` first")
    costs = pd.read_csv(path, sep="\t", comment="#").dropna(subset=["seconds"]).set_index("job")
    costs["depends_on"] = [str(d).split(",") if isinstance(d, str) and d else [] for d in costs["depends_on"]]
    return costs


def durations(costs: pd.DataFrame, cluster: Cluster) -> dict[str, float]:
    """Seconds each job occupies its slot on `cluster`: measured, GPU-scaled, plus the per-job overhead."""
    on_gpu = (costs["gpu"] > 0) & (cluster.gpus > 0)
    seconds = costs["seconds"].where(~on_gpu, costs["seconds"] / cluster.gpu_speedup)
    return (seconds + cluster.job_overhead).to_dict()


def children_of(costs: pd.DataFrame) -> dict[str, list[str]]:
    """Job -> the jobs that wait on it (dependencies outside the table ignored)."""
    children: dict[str, list[str]] = {job: [] for job in costs.index}
    for job, parents in costs["depends_on"].items():
        for parent in parents:
            if parent in children:
                children[parent].append(job)
    return children


def remaining_paths(costs: pd.DataFrame, duration: dict[str, float]) -> dict[str, float]:
    """Each job's duration plus the longest chain of jobs that wait on it (its 'bottom level')."""
    children = children_of(costs)
    memo: dict[str, float] = {}

    def level(job: str) -> float:
        if job not in memo:
            memo[job] = duration[job] + max((level(c) for c in children[job]), default=0.0)
        return memo[job]

    for job in costs.index:
        level(job)
    return memo


def schedule(costs: pd.DataFrame, cluster: Cluster) -> float:
    """Projected wall seconds of the whole DAG on `cluster` (list scheduling, event by event)."""
    duration = durations(costs, cluster)
    priority = remaining_paths(costs, duration)
    children = children_of(costs)
    waiting = {job: sum(p in children for p in parents) for job, parents in costs["depends_on"].items()}
    gpu = {job: bool(g) and cluster.gpus > 0 for job, g in costs["gpu"].items()}
    on_node = {job: not gpu[job] or cluster.gpu_on_nodes for job in costs.index}
    threads = costs["threads"].clip(upper=cluster.cores).to_dict()
    memory = costs["requested_mb"].fillna(0).to_dict()
    too_big = [job for job in costs.index if on_node[job] and memory[job] > cluster.memory_mb]
    if too_big:
        raise SystemExit(f"jobs {too_big} request more memory than a node has ({cluster.memory_mb:.0f} MB)")
    free_cores = [cluster.cores] * cluster.nodes
    free_memory = [cluster.memory_mb] * cluster.nodes
    free_gpus = cluster.gpus
    ready = [job for job, count in waiting.items() if not count]
    running: list[tuple[float, str, int]] = []  # (end, job, node; -1 off the nodes)
    now, done = 0.0, 0
    while done < len(costs):
        ready.sort(key=lambda job: -priority[job])
        for job in list(ready):
            if gpu[job] and not free_gpus:
                continue
            node = next(
                (n for n in range(cluster.nodes) if free_cores[n] >= threads[job] and free_memory[n] >= memory[job]),
                None,
            )
            if on_node[job] and node is None:
                continue
            if gpu[job]:
                free_gpus -= 1
            if on_node[job]:
                free_cores[node] -= threads[job]
                free_memory[node] -= memory[job]
            heapq.heappush(running, (now + duration[job], job, node if on_node[job] else -1))
            ready.remove(job)
        if not running:
            raise SystemExit(f"jobs {ready} can never start (a dependency cycle or no place to run)")
        now = running[0][0]
        while running and running[0][0] <= now:  # release every job that ends now before starting others
            _, job, node = heapq.heappop(running)
            done += 1
            free_gpus += gpu[job]
            if node >= 0:
                free_cores[node] += threads[job]
                free_memory[node] += memory[job]
            for child in children[job]:
                waiting[child] -= 1
                if not waiting[child]:
                    ready.append(child)
    return now


def projection_row(costs: pd.DataFrame, cluster: Cluster) -> tuple:
    """(nodes, cores, GPUs, overhead seconds per job, projected minutes, critical path minutes, lower bound
    minutes). The bound is the largest of the critical path, the node jobs' core-seconds over every core and the
    GPU jobs' seconds over the GPUs."""
    duration = durations(costs, cluster)
    critical = max(remaining_paths(costs, duration).values())
    gpu = (costs["gpu"] > 0) & (cluster.gpus > 0)
    node_jobs = costs.index[~gpu | cluster.gpu_on_nodes]
    core_seconds = sum(duration[job] * min(costs.at[job, "threads"], cluster.cores) for job in node_jobs)
    gpu_seconds = sum(duration[job] for job in costs.index[gpu])
    bound = max(critical, core_seconds / (cluster.nodes * cluster.cores), gpu_seconds / max(cluster.gpus, 1))
    return (
        cluster.nodes,
        cluster.cores,
        cluster.gpus,
        cluster.job_overhead,
        round(schedule(costs, cluster) / 60, 1),
        round(critical / 60, 1),
        round(bound / 60, 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the run's results folder under benchmarks/results/")
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 2, 4, 8, 17])
    parser.add_argument("--cores", type=int, default=32, help="cores per node")
    parser.add_argument("--memory-gb", type=float, default=128, help="memory per node")
    parser.add_argument("--gpus", type=int, default=1)
    parser.add_argument("--gpu-speedup", type=float, default=1.0, help="RNN seconds on the GPU = measured / this")
    parser.add_argument("--job-overhead", type=float, default=30.0, help="seconds added to every job")
    args = parser.parse_args()
    costs = read_costs(args.name)
    header = ("nodes", "cores_per_node", "gpus", "job_overhead_s")
    header += ("projected_min", "critical_path_min", "lower_bound_min")
    rows = [header]
    rows.append(projection_row(costs, WORKSTATION))  # the measured workstation, replayed
    for nodes in args.nodes:
        cluster = Cluster(nodes, args.cores, args.memory_gb * 1000, args.gpus, args.gpu_speedup, args.job_overhead)
        rows.append(projection_row(costs, cluster))
    command = (
        f"python benchmarks/cost_projection.py {args.name} --nodes {' '.join(map(str, args.nodes))} "
        f"--cores {args.cores} --memory-gb {args.memory_gb:g} --gpus {args.gpus} --gpu-speedup {args.gpu_speedup:g} "
        f"--job-overhead {args.job_overhead:g} (first row: 1 node x 2 cores, 24 GB, the RNN jobs one at a "
        "time on its cores, no overhead: the measured workstation replayed)"
    )
    write_table(f"{args.name}/cost_projection", command, 1, rows)


if __name__ == "__main__":
    main()
