"""LEMBAS-RNN: sparse forward/backward against a dense reference, initialisation, training,
determinism, resume, model files and upstream-checkpoint import."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from lembas_core.io.errors import InputDataError
from lembas_core.models.rnn.dense import DenseLembasRNN
from lembas_core.models.rnn.graph import build_graph
from lembas_core.models.rnn.io import import_upstream_checkpoint, load_rnn, model_settings, save_rnn
from lembas_core.models.rnn.model import LembasRNN, mml, mml_derivative
from lembas_core.models.rnn.training import lembas_lr, spectral_radius_estimate, train
from rnn_helpers import TRAINING, inputs, make_model, random_network


def test_mml_and_derivative():
    z = torch.tensor([-2.0, 0.0, 0.3, 0.5, 1.0, 4.0], dtype=torch.float64)
    assert torch.allclose(mml(z, 0.01), torch.tensor([-0.02, 0.0, 0.3, 0.5, 0.75, 0.9375], dtype=torch.float64))
    z.requires_grad_(True)
    mml(z, 0.01).sum().backward()
    assert torch.allclose(z.grad[[0, 2, 4, 5]], mml_derivative(z.detach(), 0.01)[[0, 2, 4, 5]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_core_iteration_equals_full_iteration_bitwise(seed):
    model, *_ = make_model(seed)
    u = model.project_input(inputs(model))
    core_states, _ = model.states(u)
    assert model.graph.core.size < model.graph.n_nodes
    assert torch.equal(core_states, model.forward_full_graph(u))


@pytest.mark.parametrize("seed", [0, 3])
def test_forward_equals_dense_reference(seed):
    model, features, outputs = make_model(seed)
    dense, inputs_sorted, outputs_sorted = DenseLembasRNN.from_sparse(model, features, outputs)
    x = inputs(model)
    ours = model(x)
    in_perm = [features.index(f) for f in inputs_sorted]
    reference = dense(x[:, in_perm])
    out_perm = [outputs_sorted.index(t) for t in outputs]
    torch.testing.assert_close(ours, reference[:, out_perm], rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_custom_backward_equals_dense_autograd(seed):
    model, features, outputs = make_model(seed)
    dense, inputs_sorted, outputs_sorted = DenseLembasRNN.from_sparse(model, features, outputs)
    x = inputs(model, n=5, seed=seed)
    grad_out = torch.as_tensor(np.random.default_rng(seed).normal(size=(5, len(outputs))))
    (model(x) * grad_out).sum().backward()
    out_perm = [outputs_sorted.index(t) for t in outputs]
    (dense(x[:, [features.index(f) for f in inputs_sorted]])[:, out_perm] * grad_out).sum().backward()
    g = model.graph
    dense_w_grad = dense.signaling_network.weights.grad[torch.as_tensor(g.row), torch.as_tensor(g.col)]
    for ours, ref in [(model.w.grad, dense_w_grad), (model.bias.grad, dense.signaling_network.bias.grad[:, 0])]:
        assert float((ours - ref).abs().max() / ref.abs().max()) <= 1e-8
    ref_out = dense.output_layer.weights.grad[out_perm]
    assert float((model.w_out.grad - ref_out).abs().max() / ref_out.abs().max()) <= 1e-8


def test_input_gradient_for_shap():
    model, *_ = make_model(5)
    x = inputs(model).requires_grad_(True)
    model(x)[:, 0].sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_initialisation_follows_lembas():
    model, *_ = make_model(2)
    g = model.graph
    w = model.w.detach().numpy()
    assert np.all(np.sign(w) == g.sign)
    scale = np.abs(w) / (0.1 + 0.1 * np.random.default_rng(2).random(g.n_edges))
    assert np.allclose(scale, scale[0])  # one common rescaling factor
    dense = np.zeros((g.n_nodes, g.n_nodes))
    dense[g.row, g.col] = w
    assert abs(np.abs(np.linalg.eigvals(dense)).max() - 0.8) < 1e-6
    bias = model.bias.detach().numpy()
    inhibited_only = [i for i in range(g.n_nodes) if np.any(g.row == i) and np.all(g.sign[g.row == i] < 0)]
    assert all(bias[i] == 1.0 for i in inhibited_only) and np.all(np.isin(bias, [1e-3, 1.0]))


def test_spectral_estimate_tracks_the_jacobian():
    model, *_ = make_model(0)
    u = model.project_input(inputs(model, n=3))
    with torch.no_grad():
        _, z = model.states(u)
    estimate = spectral_radius_estimate(
        model, z, replace(TRAINING, spectral_samples=3, spectral_power_steps=60), torch.Generator().manual_seed(0)
    )
    g = model.graph
    for s in range(3):
        jac = np.zeros((g.n_nodes, g.n_nodes))
        jac[g.row, g.col] = model.w.detach().numpy() * mml_derivative(z[:, s], model.leak).numpy()[g.row]
        true = np.abs(np.linalg.eigvals(jac)).max()
        assert 0.9 * true <= float(estimate[s].detach()) <= 1.1 * true


def test_lr_schedule_shape():
    cfg = replace(TRAINING, epochs=100, warmup_epochs=20, lr_peak=1e-2, lr_end=1e-5)
    assert lembas_lr(0, cfg) == pytest.approx(1e-3)
    assert lembas_lr(20, cfg) == pytest.approx(1e-2)
    assert lembas_lr(95, cfg) == pytest.approx(1e-5) and lembas_lr(99, cfg) == 1e-5
    assert lembas_lr(10, cfg) < lembas_lr(15, cfg) and lembas_lr(50, cfg) > lembas_lr(80, cfg)


def _training_data(model: LembasRNN, n: int = 60):
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 3, (n, model.graph.input_idx.size)).astype(np.float32)
    y = (x[:, :1] * 0.5 + rng.normal(0, 0.1, (n, model.graph.output_idx.size)) + 1).astype(np.float32)
    return x, y


TINY_TRAIN = replace(TRAINING, epochs=4, batch_size=16, warmup_epochs=1, lr_peak=1e-2, spectral_samples=4)


def test_training_lowers_the_loss_and_is_deterministic():
    histories, weights = [], []
    for _ in range(2):
        model, *_ = make_model(0, dtype=torch.float32)
        x, y = _training_data(model)
        histories.append(train(model, x, y, TINY_TRAIN))
        weights.append(model.w.detach().clone())
    assert histories[0][-1]["mse"] < histories[0][0]["mse"]
    assert torch.equal(weights[0], weights[1])
    assert [round(r["loss"], 12) for r in histories[0]] == [round(r["loss"], 12) for r in histories[1]]
    assert {"mse", "sign", "l2", "uniform", "spectral", "lr", "spectral_radius", "sign_violations", "seconds"} <= set(
        histories[0][0]
    )


def test_resume_equals_uninterrupted(tmp_path):
    model, *_ = make_model(0, dtype=torch.float32)
    x, y = _training_data(model)
    train(model, x, y, TINY_TRAIN)
    resumed, *_ = make_model(0, dtype=torch.float32)
    checkpoint = tmp_path / "rnn.checkpoint.pt"
    train(
        resumed, x, y, TINY_TRAIN, checkpoint=checkpoint, checkpoint_every=2, fingerprint="a", stop_after=2
    )  # "killed" after 2 epochs
    assert torch.load(checkpoint, weights_only=True)["epoch"] == 2
    fresh, *_ = make_model(0, dtype=torch.float32)  # a new process would rebuild the model from scratch
    history = train(fresh, x, y, TINY_TRAIN, checkpoint=checkpoint, checkpoint_every=2, fingerprint="a")
    assert [r["epoch"] for r in history] == [1, 2, 3, 4]
    for name, value in model.state_dict().items():
        assert torch.equal(value, fresh.state_dict()[name]), name


def test_checkpoint_of_other_config_is_ignored(tmp_path):
    model, *_ = make_model(0, dtype=torch.float32)
    x, y = _training_data(model)
    checkpoint = tmp_path / "c.pt"
    train(model, x, y, replace(TINY_TRAIN, epochs=2), checkpoint=checkpoint, checkpoint_every=2, fingerprint="old")
    other, *_ = make_model(0, dtype=torch.float32)
    history = train(
        other, x, y, replace(TINY_TRAIN, epochs=2), checkpoint=checkpoint, checkpoint_every=2, fingerprint="new"
    )
    assert [r["epoch"] for r in history] == [1, 2]


def test_model_file_round_trip_and_damage(tmp_path):
    model, features, outputs = make_model(1)
    save_rnn(model, tmp_path / "rnn.pt", features, outputs)
    loaded, f2, o2 = load_rnn(tmp_path / "rnn.pt")
    assert (f2, o2) == (features, outputs) and model_settings(loaded) == model_settings(model)
    x = inputs(model).numpy()
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    data = (tmp_path / "rnn.pt").read_bytes()
    (tmp_path / "rnn.pt").write_bytes(data[: len(data) // 3])
    with pytest.raises(InputDataError, match="not a readable torch checkpoint"):
        load_rnn(tmp_path / "rnn.pt")


def test_upstream_checkpoint_import_round_trip(tmp_path):
    model, features, outputs = make_model(3)
    dense, inputs_sorted, outputs_sorted = DenseLembasRNN.from_sparse(model, features, outputs)
    state = {k: v for k, v in dense.state_dict().items() if not k.endswith("_idx")}
    torch.save({"state_dict": state, "seed": 888}, tmp_path / "signaling_model.v1.pt")
    imported = import_upstream_checkpoint(
        tmp_path / "signaling_model.v1.pt", model.graph, features, outputs, model.architecture
    )
    x = inputs(model)
    reference = dense(x[:, [features.index(f) for f in inputs_sorted]])[:, [outputs_sorted.index(t) for t in outputs]]
    torch.testing.assert_close(imported(x), reference, rtol=1e-12, atol=1e-12)


def test_import_size_mismatch_is_a_clear_error(tmp_path):
    model, features, outputs = make_model(3)
    dense, *_ = DenseLembasRNN.from_sparse(model, features, outputs)
    state = {k: v for k, v in dense.state_dict().items() if not k.endswith("_idx")}
    state["input_layer.weights"] = state["input_layer.weights"][:-1]
    torch.save({"state_dict": state}, tmp_path / "bad.pt")
    with pytest.raises(InputDataError, match="size mismatch for input_layer.weights"):
        import_upstream_checkpoint(tmp_path / "bad.pt", model.graph, features, outputs, model.architecture)


def test_input_that_is_not_a_network_node():
    names, src, tgt, sign, features, outputs = random_network(0)
    with pytest.raises(InputDataError, match="not network nodes"):
        build_graph(names, src, tgt, sign, features + ["NOT_A_NODE"], outputs)
