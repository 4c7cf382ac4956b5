"""Figures (matplotlib, PNG at 150 dpi plus SVG) with one colour per model across every figure.

Colours and labels come from a :class:`lembas_core.reporting.palette.Palette` of the run's models
(default: the registry's kinds).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lembas_core.io.atomic import atomic_file  # noqa: E402
from lembas_core.io.npz import load_arrays  # noqa: E402
from lembas_core.models.fit_report import FitReport  # noqa: E402
from lembas_core.reporting.palette import DEFAULT_PALETTE, Palette  # noqa: E402

SVG_SALT = "lembas-bench"  # SVG element ids hashed from a fixed salt: the same figure gives the same bytes
BEESWARM_JITTER_SEED = 0  # the SHAP beeswarm jitters points with NumPy's global generator


def save(fig: plt.Figure, png: str | Path) -> None:
    """Write `png` (150 dpi) and the same figure as SVG next to it, each atomically."""
    png = Path(png)
    with atomic_file(png, "wb") as handle:
        fig.savefig(handle, format="png", dpi=150, bbox_inches="tight")
    with atomic_file(png.with_suffix(".svg"), "wb") as handle, plt.rc_context({"svg.hashsalt": SVG_SALT}):
        fig.savefig(handle, format="svg", bbox_inches="tight", metadata={"Date": None})  # no timestamp
    plt.close(fig)


def metric_bars(
    summary: pd.DataFrame,
    out: str | Path,
    metrics=("r2_uniform", "pearson_uniform", "spearman_uniform", "r2_flat", "rmse"),
    palette: Palette = DEFAULT_PALETTE,
) -> None:
    """Headline metrics per model and split with their 95% intervals, each bar the point its interval is
    centred on."""
    splits = list(dict.fromkeys(summary["split"]))
    models = list(dict.fromkeys(summary["model"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(4 * len(metrics), 3.6))
    width = 0.8 / len(models)
    for ax, metric in zip(axes, metrics):
        for k, model in enumerate(models):
            rows = summary[summary.model == model].set_index("split").reindex(splits)
            centre = rows[metric].to_numpy()
            err = None
            if f"{metric}_lo" in rows:  # a bootstrap interval need not contain the point estimate: clip at 0
                err = np.clip(
                    np.vstack([centre - rows[f"{metric}_lo"].to_numpy(), rows[f"{metric}_hi"].to_numpy() - centre]),
                    0,
                    None,
                )
            ax.bar(
                np.arange(len(splits)) + (k - (len(models) - 1) / 2) * width,
                centre,
                width,
                yerr=err,
                color=palette.colour(model),
                label=palette.label(model),
                capsize=2,
            )
        ax.set_xticks(range(len(splits)), splits)
        ax.set_title(metric)
        ax.axhline(0, color="black", lw=0.5)
        if metric.startswith("r2") and ax.get_ylim()[0] < -1:
            ax.set_ylim(bottom=-1)  # very negative R^2 values would flatten every other bar
            ax.set_title(f"{metric} (axis cut at -1)")
    axes[0].legend(fontsize=7)
    save(fig, out)


def per_gene_ecdf(
    tables: dict[str, pd.DataFrame], out: str | Path, split: str, palette: Palette = DEFAULT_PALETTE
) -> None:
    """Empirical CDFs of per-gene R^2 and Pearson (headline genes), one line per model."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for model, table in tables.items():
        keep = ~table["zero_filled"]
        for ax, column in zip(axes, ("r2", "pearson")):
            values = np.sort(table.loc[keep, column].dropna().to_numpy())
            ax.plot(
                values,
                np.arange(1, values.size + 1) / max(values.size, 1),
                color=palette.colour(model),
                label=palette.label(model),
            )
    axes[0].set_xlim(-1, 1)
    for ax, column in zip(axes, ("per-gene R^2", "per-gene Pearson r")):
        ax.set_xlabel(f"{column} ({split})")
        ax.set_ylabel("fraction of genes")
    axes[0].legend(fontsize=7)
    save(fig, out)


def observed_vs_predicted(
    observed: np.ndarray,
    predictions: dict[str, np.ndarray],
    out: str | Path,
    split: str,
    max_points: int = 2_000_000,
    palette: Palette = DEFAULT_PALETTE,
) -> None:
    """2-D density (hexbin) of observed vs predicted values, one panel per model (a seeded subsample of
    `max_points` values when there are more: 16,100 genes x 12,748 samples would be 205 M points)."""
    fig, axes = plt.subplots(
        1, len(predictions), figsize=(3.2 * len(predictions), 3.2), sharex=True, sharey=True, squeeze=False
    )
    y = np.asarray(observed).ravel()
    keep = (
        np.sort(np.random.default_rng(0).choice(y.size, max_points, replace=False))
        if y.size > max_points
        else slice(None)
    )
    y = y[keep]
    lo, hi = float(min(y.min(), 0)), float(y.max())
    for ax, (model, pred) in zip(axes[0], predictions.items()):
        ax.hexbin(
            y,
            np.asarray(pred).ravel()[keep],
            gridsize=60,
            bins="log",
            cmap="viridis",
            extent=(lo, hi, lo, hi),
            mincnt=1,
        )
        ax.plot([lo, hi], [lo, hi], color="red", lw=0.8)
        ax.set_title(palette.label(model), color=palette.colour(model))
        ax.set_xlabel(f"observed ({split})")
    axes[0][0].set_ylabel("predicted")
    save(fig, out)


def strata_residuals(strata: pd.DataFrame, out: str | Path, palette: Palette = DEFAULT_PALETTE) -> None:
    """RMSE and mean bias per CV stratum, model and split."""
    splits = list(dict.fromkeys(strata["split"]))
    fig, axes = plt.subplots(2, len(splits), figsize=(4 * len(splits), 5.5), squeeze=False)
    order = ["low", "medium", "high"]
    models = list(dict.fromkeys(strata["model"]))
    width = 0.8 / len(models)
    for col, split in enumerate(splits):
        for row, metric in enumerate(("rmse", "mean_bias")):
            ax = axes[row][col]
            for k, model in enumerate(models):
                rows = strata[(strata.split == split) & (strata.model == model)].set_index("stratum").reindex(order)
                ax.bar(
                    np.arange(3) + (k - (len(models) - 1) / 2) * width,
                    rows[metric],
                    width,
                    color=palette.colour(model),
                    label=palette.label(model),
                )
            ax.set_xticks(range(3), [f"{s} CV" for s in order])
            ax.set_title(f"{metric} ({split})")
            ax.axhline(0, color="black", lw=0.5)
    axes[0][0].legend(fontsize=7)
    save(fig, out)


def training_curve(
    history: pd.DataFrame, report: FitReport, out: str | Path, palette: Palette = DEFAULT_PALETTE
) -> None:
    """RNN training: loss terms, inner-validation error with the kept epoch, learning rate, spectral radius.

    The title says whether training converged (`report`, :class:`lembas_core.models.fit_report.FitReport`).
    """
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
    for column in ("loss", "mse", "sign", "l2", "uniform", "spectral"):
        if column in history and (history[column] > 0).any():
            axes[0].plot(history["epoch"], history[column], label=column)
    axes[0].set_yscale("log")
    axes[0].legend(fontsize=7)
    axes[0].set_title("training loss terms")
    if "validation_error" in history and history["validation_error"].notna().any():
        axes[1].plot(
            history["epoch"], history["validation_error"], color=palette.colour(report.model), label="inner validation"
        )
        axes[1].set_title("inner-validation error (MSE / variance)")
    else:
        axes[1].set_title("no inner validation split")
    if len(history):
        axes[1].axvline(report.best_epoch, color="black", ls="--", lw=0.8, label=f"kept: epoch {report.best_epoch}")
        axes[1].legend(fontsize=7)
    axes[2].plot(history["epoch"], history["lr"], color="black")
    axes[2].ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    axes[2].set_title("learning rate")
    estimated = history.dropna(subset=["spectral_radius"])  # every `spectral_every`-th update estimates it
    axes[3].plot(estimated["epoch"], estimated["spectral_radius"], color=palette.colour(report.model))
    axes[3].set_title("spectral radius estimate")
    check = history[history["phase"] > 0] if "phase" in history else history.iloc[:0]  # the reference run
    for ax in axes:
        ax.set_xlabel("epoch")
        if len(check):
            ax.axvspan(check["epoch"].min() - 1, check["epoch"].max(), color="0.9", zorder=0)
    if len(check):
        axes[2].set_title("learning rate (grey: the check)")
    status = {True: "converged", False: "NOT converged", None: "fixed recipe"}[report.converged]
    title = f"{palette.label(report.model)} training, {status}: {report.stop_reason}"
    fig.suptitle(textwrap.fill(title, 170), fontsize=9, y=1.0, va="bottom")
    save(fig, out)


def latency_plot(latency: pd.DataFrame, out: str | Path, palette: Palette = DEFAULT_PALETTE) -> None:
    """Median (bar) and p95 (tick) latency per model, single sample and full batch, log scale."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, mode in zip(axes, ("single_sample", "batch")):
        rows = latency[latency["mode"] == mode]
        x = np.arange(len(rows))
        ax.bar(x, rows["median_ms"], color=[palette.colour(m) for m in rows["model"]])
        ax.scatter(x, rows["p95_ms"], marker="_", color="black", s=200, label="p95")
        ax.set_xticks(x, [palette.label(m) for m in rows["model"]], rotation=30)
        ax.set_yscale("log")
        ax.set_ylabel("ms")
        ax.set_title(
            f"{mode.replace('_', ' ')} ({int(rows['batch_size'].iloc[0])} samples, "
            f"{int(rows['threads'].iloc[0])} thread(s))"
        )
    axes[0].legend(fontsize=7)
    save(fig, out)


def shap_plots(
    npz: str | Path,
    sample: int,
    waterfall_out: str | Path,
    beeswarm_out: str | Path,
    max_display: int = 10,
    palette: Palette = DEFAULT_PALETTE,
) -> None:
    """Waterfall of one validation sample and a beeswarm over all samples."""
    import shap  # noqa: PLC0415 (heavy: numba; SHAP jobs only)

    data = load_arrays(
        npz, ("values", "expected_value", "inputs", "feature_names", "model", "gene", "sample_ids"), what="SHAP file"
    )
    values, base, x = data["values"], float(data["expected_value"]), data["inputs"]
    names, model, gene = data["feature_names"].tolist(), str(data["model"]), str(data["gene"])
    sample_ids = data["sample_ids"].tolist()
    explanation = shap.Explanation(values=values, base_values=np.full(len(values), base), data=x, feature_names=names)
    shap.plots.waterfall(explanation[sample], max_display=max_display, show=False)
    fig = plt.gcf()
    fig.suptitle(f"{palette.label(model)}: {gene}, sample {sample_ids[sample]}", fontsize=10)
    save(fig, waterfall_out)
    state = np.random.get_state()  # seed the global generator for the beeswarm's jitter, then restore it
    np.random.seed(BEESWARM_JITTER_SEED)
    try:
        shap.plots.beeswarm(explanation, max_display=max_display, show=False)
    finally:
        np.random.set_state(state)
    fig = plt.gcf()
    fig.suptitle(f"{palette.label(model)}: {gene}, {len(values)} validation samples", fontsize=10)
    save(fig, beeswarm_out)


def ladder_plot(
    ladder: pd.DataFrame, breakdown: pd.DataFrame | None, out: str | Path, palette: Palette = DEFAULT_PALETTE
) -> None:
    """The ablation ladder: r2_uniform (95% interval) per model on test and validation, models top to
    bottom in ladder order; with a synthetic cohort's `breakdown`, mean test R^2 per true response family."""
    splits = [s for s in ("test", "validation") if f"{s}_r2_uniform" in ladder]
    panels = 1 + (breakdown is not None and len(breakdown) > 0)
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 0.45 * len(ladder) + 1.6), squeeze=False)
    ax = axes[0][0]
    y = np.arange(len(ladder))[::-1]
    markers = {"test": "o", "validation": "s"}
    for k, split in enumerate(splits):
        centre = ladder[f"{split}_r2_uniform"].to_numpy(dtype=float)
        lo = ladder.get(f"{split}_r2_uniform_lo", pd.Series(centre)).to_numpy(dtype=float)
        hi = ladder.get(f"{split}_r2_uniform_hi", pd.Series(centre)).to_numpy(dtype=float)
        offset = (k - (len(splits) - 1) / 2) * 0.25
        for i, model in enumerate(ladder["model"]):
            ax.errorbar(
                centre[i],
                y[i] + offset,
                xerr=[[max(centre[i] - lo[i], 0)], [max(hi[i] - centre[i], 0)]],
                fmt=markers.get(split, "o"),
                color=palette.colour(model),
                mfc="white" if split == "validation" else palette.colour(model),
                capsize=2,
                label=split if i == 0 else None,
            )
    ax.set_yticks(
        y,
        [
            f"{palette.label(m)} ({n})" if n not in ("-", "prior") and n not in palette.label(m) else palette.label(m)
            for m, n in zip(ladder["model"], ladder["network"])
        ],
    )
    ax.axvline(0, color="black", lw=0.5)
    ax.set_xlabel("r2_uniform (mean per-gene R^2), 95% interval")
    ax.set_title("What the network adds")
    ax.legend(fontsize=7, title="filled: test, open: validation", title_fontsize=7)
    if panels == 2:
        ax = axes[0][1]
        part = breakdown[(breakdown.split == "test") & (breakdown.grouping == "response")]
        families = list(dict.fromkeys(part["group"]))
        models = [m for m in ladder["model"] if m in set(part["model"])]
        width = 0.8 / max(len(models), 1)
        for k, model in enumerate(models):
            rows = part[part.model == model].set_index("group").reindex(families)
            ax.bar(
                np.arange(len(families)) + (k - (len(models) - 1) / 2) * width,
                rows["mean_r2"],
                width,
                color=palette.colour(model),
                label=palette.label(model),
            )
        ax.set_xticks(range(len(families)), families)
        ax.axhline(0, color="black", lw=0.5)
        ax.set_ylabel("mean per-gene R^2 (test)")
        ax.set_title("by true response family (synthetic cohort)")
        ax.legend(fontsize=6)
    save(fig, out)


def interventions_plot(
    rows: pd.DataFrame,
    example: tuple[str, np.ndarray, dict[str, dict[str, np.ndarray]]],
    out: str | Path,
    palette: Palette = DEFAULT_PALETTE,
) -> None:
    """Interventional forecasts: per model, the distribution over perturbations of Pearson delta and top-k MSE
    (all scored targets; filled: in range, light: out of range), one row per regime; and the predicted vs
    true effect of one perturbation. `example` = (its title, true effect (T,), regime -> model -> predicted
    effect (T,))."""
    rows = rows[rows["genes"] == "all"]
    regimes = list(dict.fromkeys(rows["regime"])) or ["A"]
    models = list(dict.fromkeys(rows["model"]))
    fig, axes = plt.subplots(len(regimes), 3, figsize=(15, 3.8 * len(regimes)), squeeze=False)
    title, truth, predicted = example
    for r, regime in enumerate(regimes):
        part = rows[rows["regime"] == regime]
        for c, (metric, label) in enumerate([("pearson_delta", "Pearson delta"), ("top_mse", "top-k MSE")]):
            ax = axes[r][c]
            for k, model in enumerate(models):
                colour = palette.colour(model) or "black"
                for offset, in_range in ((-0.18, True), (0.18, False)):
                    values = part[(part["model"] == model) & (part["in_range"] == in_range)][metric].dropna()
                    if values.empty:
                        continue
                    box = ax.boxplot(values, positions=[k + offset], widths=0.32, patch_artist=True, showfliers=False)
                    box["boxes"][0].set(facecolor=colour, alpha=1.0 if in_range else 0.35)
                    box["medians"][0].set(color="black")
            ax.set_xticks(range(len(models)), [palette.label(m) for m in models], rotation=45, ha="right", fontsize=7)
            ax.set_title(f"regime {regime}: {label} per perturbation")
            if metric == "top_mse":
                ax.set_yscale("log")
            else:
                ax.axhline(0, color="black", lw=0.5)
        ax = axes[r][2]
        for model, effect in predicted.get(regime, {}).items():
            colour = palette.colour(model) or "black"
            ax.scatter(truth, effect, s=5, alpha=0.6, color=colour, label=palette.label(model))
        span = float(np.nanmax(np.abs(truth))) if truth.size else 1.0  # (no perturbation: an empty panel)
        ax.plot([-span, span], [-span, span], color="black", lw=0.5)
        ax.set_xlabel("true effect")
        ax.set_ylabel("predicted effect")
        ax.set_title(f"regime {regime}: {title}", fontsize=9)
        if predicted.get(regime):
            ax.legend(fontsize=6, markerscale=2)
    fig.suptitle("filled boxes: levels in the training range; light boxes: levels beyond it", fontsize=9)
    fig.tight_layout()
    save(fig, out)
