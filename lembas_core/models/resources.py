"""What training one model of each kind costs: peak memory and wall time of its training job.

Each registry entry (:mod:`lembas_core.models.base`) names its :class:`TrainingCost` here as a
``"module:attribute"`` reference, resolved only while the workflow sizes jobs: tuning a cost never
becomes a code input of a job (no rerun). The workflow turns the costs into job requests
(:mod:`lembas_core.workflow.resources`: safety factors, retries, scale settings). Memory in MB (before the
safety factor), fitted to the `max_rss` of the jobs' benchmark files on the demo and full presets; wall
time in minutes on two cores (docs/running.md, "Job resources"). Dependency-free.
"""

from __future__ import annotations

from lembas_core.common.sizes import CohortSize, Cost, TrainingCost
from lembas_core.models.rnn.schedule import inner_validation_size, reference_budget, training_budget
from lembas_core.models.settings import XGBRF_DEFAULT_TREES, RNNSettings, XGBRFSettings

# XGBRF: seconds per target and tree per (training sample x TF) on two threads: 0.5 s per target with 3 trees at
# 12,748 x 1,197 (a batch of 1,000 targets took 490-504 s in the full-size pipeline run of 2026-12-05 on the Intel
# Xeon VM; 0.36 s per target on the AMD EPYC VM of 2026-11-24; benchmarks/README.md, "XGBRF").
XGBRF_SECONDS_PER_TREE_CELL = 0.5 / 3 / (12748 * 1197)
# RNN: seconds per optimizer update, the per-epoch inner-validation pass included = fixed overhead + a cost
# per (edge x sample in the batch), on two CPU threads: 37.2 ms at 1,153,904 edges (the `full` preset's
# training, 10,557 updates in 393 s) and 5.05 ms on the demo network (13,640 updates in 69 s), batch 25
# (benchmarks/rnn_convergence.py, benchmarks/README.md "LEMBAS-RNN convergence"); re-measured with the
# learning rate set at every update: 37.0 ms (12,852 updates in 476 s) and 4.79 ms (13,640 in 65 s); with
# the convergence check: 42.4 and 40.1 ms (8,262 updates in 350 and 331 s: no check, still improving) and
# 5.38 ms (11,572 in 62 s); with the budget of 16,000 updates (2026-12-05): 33.1 ms at the full size (16,065
# updates in 532 s, no check) and 4.02 ms on the demo (24,024 updates, check included, in 96.6 s).
RNN_UPDATE_SECONDS = (0.0042, 0.0330 / (1153904 * 25))


def fixed_minutes(cost: Cost):
    """A run-time model that follows the cohort size only (the settings do not change it)."""

    def minutes(size: CohortSize, settings: object, test_fraction: float) -> float:
        return cost(size)

    return minutes


def xgbrf_batch_minutes(size: CohortSize, settings: XGBRFSettings, test_fraction: float) -> float:
    """One batch job: its targets x trees x training cells."""
    trees = settings.params.get("n_estimators", XGBRF_DEFAULT_TREES)
    targets = min(settings.batch_size, size.genes)
    train = size.training_samples(test_fraction)
    return 1 + targets * trees * train * size.tfs * XGBRF_SECONDS_PER_TREE_CELL / 60


def rnn_minutes(size: CohortSize, settings: RNNSettings, test_fraction: float) -> float:
    """The main schedule and the convergence check's reference run (1 + 0.5 of the main schedule by default),
    with the settings' recipe applied: the longest the training can run (early stopping ends it sooner), timed
    at the `full` size and the demo's."""
    training = settings.training
    n_train = round(size.training_samples(test_fraction))
    held_out = inner_validation_size(n_train, training.validation_fraction)
    main = training_budget(n_train - held_out, training)
    reference = reference_budget(main, training) if held_out else None
    updates = main.steps + (reference.steps if reference else 0)
    fixed, per_edge_sample = RNN_UPDATE_SECONDS
    return 1 + updates * (fixed + per_edge_sample * size.edges * training.batch_size) / 60


MEAN = TrainingCost(Cost(300, per_expression=0.7), fixed_minutes(Cost(2, per_expression=0.0002)))
RIDGE = TrainingCost(
    Cost(300, per_expression=11.0, per_tf=6.0), fixed_minutes(Cost(2, per_expression=0.0012, per_tf=0.02))
)
MLR = TrainingCost(
    Cost(300, per_expression=1.2, per_tf=2.0), fixed_minutes(Cost(2, per_expression=0.0005, per_tf=0.005))
)
PRIOR_RIDGE = TrainingCost(  # memory estimated as ridge's parts; time: shuffle + per-gene solves
    Cost(300, per_expression=3.0, per_tf=6.0, per_medge=100),
    fixed_minutes(Cost(1, per_expression=0.001, per_tf=0.01, per_medge=1)),  # 174 s at the full size
)
XGBRF = TrainingCost(Cost(400, per_tf=15.0, per_expression=0.2), xgbrf_batch_minutes)  # one batch job
RNN = TrainingCost(Cost(700, per_expression=2.0, per_tf=1.0, per_medge=300), rnn_minutes)
