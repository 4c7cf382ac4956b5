"""The CUDA path: sparse forward and backward, training with early stopping and resume, SHAP, XGBRF.

Run with `pytest -m cuda` on a machine with a GPU and a CUDA build of torch (and of XGBoost for the
XGBRF test); everywhere else these tests are skipped, saying why.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from cohort_helpers import DEFAULTS
from lembas_core.evaluation.shap import gradient_values
from lembas_core.models.rnn.io import RNNPredictor
from lembas_core.models.rnn.loss import loss_terms
from lembas_core.models.rnn.training import Checkpointing, train
from rnn_helpers import TRAINING, inputs, make_model

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device visible to torch"),
]
# early stopping on the noise-dominated targets of `_data`, then the convergence check (20 epochs), the spectral
# estimate every 3rd update, edges into nodes of more than 3 regulators at a scaled rate (tests/test_rnn.py runs
# the same on the CPU)
EARLY = replace(
    TRAINING,
    lr_bias=1.0,
    lr_readout=1.0,
    lr_fan_in=3,
    epochs=40,
    batch_size=16,
    warmup_epochs=1,
    lr_peak=5e-2,
    spectral_samples=4,
    steps=0,
    patience=3,
    convergence_check=0.5,
    spectral_every=3,
)


def _data(model, n: int = 60):
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 3, (n, model.graph.input_idx.size)).astype(np.float32)
    y = (x[:, :1] * 0.5 + rng.normal(0, 0.1, (n, model.graph.output_idx.size)) + 1).astype(np.float32)
    return x, y


def test_forward_and_backward_match_the_cpu():
    cpu, *_ = make_model(0)
    gpu, *_ = make_model(0)
    gpu.to_device("cuda")
    x = inputs(cpu)
    out_cpu, out_gpu = cpu(x), gpu(x.cuda())
    torch.testing.assert_close(out_gpu.cpu(), out_cpu, rtol=1e-10, atol=1e-10)
    out_cpu.square().sum().backward()
    out_gpu.square().sum().backward()
    for name in ("w", "bias", "w_out", "b_out"):
        torch.testing.assert_close(getattr(gpu, name).grad.cpu(), getattr(cpu, name).grad, rtol=1e-8, atol=1e-10)


def test_loss_terms_and_their_gradients_match_the_cpu():
    """The hand-written backward passes (recurrence, sign, uniform, spectral) on the GPU, float64."""
    grads = {}
    for device in ("cpu", "cuda"):
        model, _, outputs = make_model(0)
        model.to_device(device)
        x = inputs(model).to(device)
        y = torch.as_tensor(np.random.default_rng(3).uniform(0, 1, (x.shape[0], len(outputs))), device=device)
        states = model.states(model.project_input(x))
        terms = loss_terms(model, states, y, 1e-3, TRAINING, torch.Generator().manual_seed(0))
        sum(value for key, value in terms.items() if not key.startswith("_")).backward()
        grads[device] = {name: getattr(model, name).grad.cpu() for name in ("w", "bias", "w_out", "b_out")}
    for name, grad in grads["cpu"].items():
        torch.testing.assert_close(grads["cuda"][name], grad, rtol=1e-8, atol=1e-12)


def test_training_with_early_stopping_and_resume(tmp_path):
    model, *_ = make_model(0, dtype=torch.float32)
    model.to_device("cuda")
    x, y = _data(model)
    uninterrupted = train(model, x, y, EARLY)
    assert uninterrupted.reference_error is not None and model.w.device.type == "cuda"  # the check ran
    resumed, *_ = make_model(0, dtype=torch.float32)
    resumed.to_device("cuda")
    checkpoint = tmp_path / "c.pt"
    killed_after = len(uninterrupted.history) - 3  # inside the convergence check's reference run
    train(resumed, x, y, EARLY, Checkpointing(checkpoint, 1, "a"), stop_after=killed_after)
    fresh, *_ = make_model(0, dtype=torch.float32)
    fresh.to_device("cuda")
    outcome = train(fresh, x, y, EARLY, Checkpointing(checkpoint, 1, "a"))
    assert outcome.converged == uninterrupted.converged
    assert outcome.reference_error == pytest.approx(uninterrupted.reference_error, rel=1e-5)
    assert (outcome.best_epoch, len(outcome.history)) == (uninterrupted.best_epoch, len(uninterrupted.history))
    torch.testing.assert_close(fresh.w, model.w, rtol=1e-5, atol=1e-6)


def test_expected_gradients_on_the_gpu():
    network, features, outputs = make_model(0, dtype=torch.float32)
    network.to_device("cuda")
    x = np.random.default_rng(2).uniform(0, 3, (30, len(features))).astype(np.float32)
    values, expected = gradient_values(
        RNNPredictor(network, features, outputs),
        outputs[0],
        x,
        replace(DEFAULTS.shap.gradient, background=20, nsamples=200),
    )
    prediction = network.predict(x)[:, 0]
    assert values.shape == (30, len(features)) and np.isfinite(values).all()
    error = np.abs(values.sum(1) + expected - prediction).mean()
    assert error < 0.1 * np.abs(prediction - prediction.mean()).mean() + 1e-3


def test_xgbrf_batch_on_cuda():
    xgb = pytest.importorskip("xgboost")
    if not xgb.build_info().get("USE_CUDA"):
        pytest.skip("this XGBoost build has no CUDA support")
    from lembas_core.models.xgbrf import predict_batch, resolve_device, train_batch

    assert resolve_device("auto") == "cuda"
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 5, (400, 12)).astype(np.float32)
    y = np.column_stack([np.tanh(x[:, j] - 2) for j in range(3)]).astype(np.float32)
    names, targets, params = [f"TF{i}" for i in range(12)], ["G0", "G1", "G2"], DEFAULTS.models["xgbrf"].params
    on_gpu = predict_batch(train_batch(x, y, names, targets, params, 2, "cuda"), x)
    on_cpu = predict_batch(train_batch(x, y, names, targets, params, 2, "cpu"), x)
    r2 = [1 - ((p - y) ** 2).sum() / ((y - y.mean(0)) ** 2).sum() for p in (on_gpu, on_cpu)]
    assert abs(r2[0] - r2[1]) < 0.05
