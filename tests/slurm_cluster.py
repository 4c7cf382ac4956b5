"""A private single-node SLURM cluster for tests: Debian packages, its own config and daemons.

Everything lives under one scratch directory: the munge key and socket, slurm.conf/gres.conf,
state, spool, logs and PID files. The one exception is a copy of slurm.conf at the clients'
default path, /etc/slurm/slurm.conf: inside a job, Snakemake's jobstep plugin drops SLURM_CONF
(with every other SLURM_* variable) before it calls srun. The copy is written only where no other
configuration exists and removed again by `stop`. Daemons already running on the machine are left
alone, and `stop` signals only the PIDs this cluster started. The node declares the machine's memory,
4x its CPUs (`node_cpus`) and one fake GPU (a character device, so SLURM sets CUDA_VISIBLE_DEVICES) in a
`gpu` partition next to the default `main` partition.

Why 4x: a job of the tiny pipeline is two Snakemake start-ups (the job's and its step's, about 1.5 s of CPU
each) and a second or two of work, and Snakemake learns that it has finished only at the plugin's next status
poll: `--slurm-init-seconds-before-status-checks` after a poll that found a finished job, and 10 s longer
after each poll that found none (tests/test_slurm.py sets 6 s: polls 6, 22 and 48 s after the last find).
With as many jobs at once as cores, the cores idle through those waits; with 4x, the jobs share them and
most end before the 22-s poll. On the 2-core VM (2026-12-05, another pipeline beside the test): 686 s for the
SLURM run with the machine's 2 CPUs declared and polls at 1, 12, 33 s (load average about 2 before the
test), 398 s with this set-up (load average 2-4 before the test, up to 11 during it). The jobs' OpenMP
threads wait passively (`OMP_WAIT_POLICY=PASSIVE` in `LocalSlurm.env`): a spinning XGBoost thread that
shares a core with other processes slowed its job down up to 10x (a tiny XGBRF batch: 0.3 s passive,
3-10 s spinning, on that VM under load), which is why the node once declared only the machine's CPUs.
Neither changes a result: every job keeps its thread count (CI_OVERRIDES in tests/test_slurm.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from debian_packages import PackagesUnavailable, ensure_packages
from timeouts import APT_S, DAEMON_S, SLURM_JOB_RECORDS_S

CLIENT_CONF = Path("/etc/slurm/slurm.conf")
MARKER = "# written by lembas-bench tests/slurm_cluster.py; removed when the test cluster stops\n"
PACKAGES = ("munge", "slurm-wlm", "slurmctld", "slurmd", "slurm-client")
BINARIES = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "sinfo")


class ClusterError(RuntimeError):
    """The test cluster did not start or answer (the message says where to look)."""


class ClusterUnavailable(ClusterError):
    """SLURM cannot be installed on this machine (not root, no apt, packages unavailable)."""


def ensure_slurm(timeout: int = APT_S) -> None:
    """Install the Debian SLURM and munge packages when missing, without starting their services."""
    try:
        ensure_packages(PACKAGES, BINARIES, timeout)
    except PackagesUnavailable as error:
        raise ClusterUnavailable(str(error)) from None


def machine_cpus() -> int:
    """CPUs this process may run on (the affinity mask: what a container or taskset grants)."""
    return len(os.sched_getaffinity(0))


def node_cpus() -> int:
    """CPUs the test node declares: 4x the machine's (module docstring: its jobs mostly wait)."""
    return 4 * machine_cpus()


def machine_memory_mb(reserve_mb: int = 1024) -> int:
    """The machine's memory in MB (/proc/meminfo MemTotal), less `reserve_mb` for the OS and the daemons."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024 - reserve_mb
    raise ClusterError("no MemTotal in /proc/meminfo: cannot size the test node's memory")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, seconds: float, what: str) -> None:
    end = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > end:
            raise ClusterError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in _proc_state(pid)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return ""


@dataclass
class LocalSlurm:
    """One-node cluster with partitions `main` (default) and `gpu`, in a fresh directory under /tmp.

    (munged insists that every directory above its socket is searchable by all users, which a
    pytest tmp_path is not.)
    """

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lembas-slurm-")))
    cpus: int = field(default_factory=node_cpus)
    memory_mb: int = field(default_factory=machine_memory_mb)
    gpus: int = 1
    min_job_age: int = SLURM_JOB_RECORDS_S  # seconds finished jobs stay visible to squeue/scontrol
    started: list[tuple[str, int]] = field(default_factory=list)

    @property
    def conf(self) -> Path:
        return self.root / "slurm.conf"

    @property
    def env(self) -> dict[str, str]:
        """Environment for SLURM clients (and Snakemake) that talk to this cluster; its jobs inherit it
        (sbatch --export=ALL), passive OpenMP waits included (module docstring)."""
        return os.environ | {"SLURM_CONF": str(self.conf), "OMP_WAIT_POLICY": "PASSIVE"}

    def start(self) -> None:
        try:
            self._start()
        except ClusterError as error:
            logs = "".join(
                f"\n--- {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-15:])
                for p in sorted((self.root / "log").glob("*.log"))
            )
            raise ClusterError(f"{error}{logs}") from None

    def _start(self) -> None:
        self.root.chmod(0o755)
        for sub in ("run", "state", "spool", "log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._start_munge()
        self._write_config()
        self._daemon("slurmctld", ["slurmctld", "-i", "-f", str(self.conf)])
        _wait(lambda: "UP" in self.run("scontrol", "ping", check=False).stdout, DAEMON_S, "slurmctld")
        self._daemon("slurmd", ["slurmd", "-f", str(self.conf)])
        _wait(
            lambda: self.run("sinfo", "-h", "-o", "%T", check=False).stdout.strip().startswith("idle"),
            DAEMON_S,
            "an idle node",
        )

    def stop(self) -> None:
        """SIGTERM (then SIGKILL) the daemons this cluster started, newest first, checking each PID's name."""
        for name, pid in reversed(self.started):
            comm = Path(f"/proc/{pid}/comm").read_text().strip() if Path(f"/proc/{pid}/comm").exists() else ""
            if not _alive(pid) or comm != name[:15]:
                continue
            os.kill(pid, signal.SIGTERM)
            try:
                _wait(lambda pid=pid: not _alive(pid), DAEMON_S, f"{name} to stop")
            except ClusterError:
                os.kill(pid, signal.SIGKILL)
        self.started.clear()
        if CLIENT_CONF.exists() and CLIENT_CONF.read_text().startswith(MARKER):
            CLIENT_CONF.unlink()
        shutil.rmtree(self.root, ignore_errors=True)

    def run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=DAEMON_S)
        if check and done.returncode != 0:
            raise ClusterError(f"`{' '.join(cmd)}` failed: {done.stderr.strip()}")
        return done

    def job_info(self, job_id: str) -> dict[str, str]:
        """`scontrol show job` fields of a job (finished jobs stay for min_job_age seconds)."""
        text = self.run("scontrol", "show", "job", "--oneliner", job_id).stdout
        return dict(item.split("=", 1) for item in text.split() if "=" in item)

    def _daemon(self, name: str, cmd: list[str]) -> None:
        pid_file = self.root / "run" / f"{name}.pid"
        done = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=DAEMON_S)
        if done.returncode != 0:
            raise ClusterError(f"{name} did not start: {done.stderr.strip()}")
        _wait(lambda: pid_file.exists() and pid_file.read_text().strip().isdigit(), DAEMON_S, f"{name}'s PID file")
        self.started.append((name, int(pid_file.read_text())))

    def _start_munge(self) -> None:
        key = self.root / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        run = self.root / "run"
        self._daemon(
            "munged",
            [
                "munged",
                f"--socket={run / 'munge.sock'}",
                f"--key-file={key}",
                f"--pid-file={run / 'munged.pid'}",
                f"--log-file={self.root / 'log' / 'munged.log'}",
                f"--seed-file={self.root / 'munged.seed'}",
            ],
        )

    def _write_config(self) -> None:
        r = self.root
        gres = f" Gres=gpu:fake:{self.gpus}" if self.gpus else ""
        lines = [
            "ClusterName=lembastest",
            "SlurmctldHost=localhost",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={r / 'run' / 'munge.sock'}",
            "SlurmUser=root",
            f"SlurmctldPort={_free_port()}",
            f"SlurmdPort={_free_port()}",
            f"StateSaveLocation={r / 'state'}",
            f"SlurmdSpoolDir={r / 'spool'}",
            f"SlurmctldPidFile={r / 'run' / 'slurmctld.pid'}",
            f"SlurmdPidFile={r / 'run' / 'slurmd.pid'}",
            f"SlurmctldLogFile={r / 'log' / 'slurmctld.log'}",
            f"SlurmdLogFile={r / 'log' / 'slurmd.log'}",
            "ProctrackType=proctrack/linuxproc",  # no cgroups needed
            "TaskPlugin=task/none",
            "MpiDefault=none",
            "SwitchType=switch/none",
            "ReturnToService=2",
            "SchedulerType=sched/backfill",
            "SchedulerParameters=batch_sched_delay=0",  # start a job at the next 1-s tick, not up to 3 s later
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            "SlurmdParameters=config_overrides",  # take the node's layout from the line below, not the hardware
            "DefMemPerCPU=256",
            f"MinJobAge={self.min_job_age}",
            "AccountingStorageType=accounting_storage/none",  # no slurmdbd: status via squeue
            "JobAcctGatherType=jobacct_gather/none",
            "JobCompType=jobcomp/none",
            "GresTypes=gpu",
            f"NodeName=localhost CPUs={self.cpus} RealMemory={self.memory_mb}{gres} State=UNKNOWN",
            "PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
            "PartitionName=gpu Nodes=localhost MaxTime=INFINITE State=UP",
        ]
        self.conf.write_text(MARKER + "\n".join(lines) + "\n")
        if CLIENT_CONF.exists() and not CLIENT_CONF.read_text().startswith(MARKER):
            raise ClusterError(f"{CLIENT_CONF} belongs to another SLURM installation; the test does not overwrite it")
        CLIENT_CONF.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.conf, CLIENT_CONF)
        devices = ["/dev/null", "/dev/zero", "/dev/full", "/dev/urandom"][: self.gpus]
        (r / "gres.conf").write_text("".join(f"NodeName=localhost Name=gpu Type=fake File={d}\n" for d in devices))
