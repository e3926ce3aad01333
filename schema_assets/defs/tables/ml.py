"""ML layer: training examples, a ridge regression fitted with numpy, predictions, metrics.

The model predicts the next 5-minute bar's simple return from the `intraday_momentum`
feature set. Data is split by time (train, then validation, then test: no look-ahead), the
features are standardised on the training split only, and the closed-form ridge solution
keeps the fit deterministic. One model version is owned by these assets:

- `ml_training` re-fits and replaces the model's run, examples and metrics;
- `ml_predictions` (monthly) predicts the run's months with the latest fit, out of sample
  only, replacing the model's predictions inside those months and nothing else.
"""

import hashlib
import json
import math
from bisect import bisect_left
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import dagster as dg
import numpy as np
import psycopg
from psycopg.types.json import Jsonb

from schema_assets.defs.tables import features, staging
from schema_assets.defs.tables.common import WarehouseTable, Window, single_value, upsert_rows
from schema_assets.defs.tables.loader import LoadContext, Loader

MODELS = WarehouseTable("ml", "models")
TRAINING_RUNS = WarehouseTable("ml", "training_runs")
TRAINING_EXAMPLES = WarehouseTable("ml", "training_examples")
PREDICTIONS = WarehouseTable("ml", "predictions")
MODEL_METRICS = WarehouseTable("ml", "model_metrics")

MODEL_NAME = "ridge_forward_return"
MODEL_VERSION = "1"
ALPHA = 1.0
SEED = 7
SPLITS = (("train", 0.6), ("validation", 0.2), ("test", 0.2))
BAR = "5m"
STEP = timedelta(minutes=5)  # one bar: the prediction horizon
PREDICTION_KEY = ("model_id", "instrument_id", "target_time", "predicted_at")

EXAMPLES_SQL = """
SELECT r.instrument_id, r.bar_time,
       ARRAY[r.log_return,
             lag(r.log_return, 1) OVER w,
             lag(r.log_return, 2) OVER w,
             b.close::double precision / t.sma_20 - 1,
             t.macd / b.close::double precision,
             t.rsi_14 / 100 - 0.5,
             CASE WHEN t.bollinger_upper > t.bollinger_lower
                  THEN (b.close::double precision - t.bollinger_lower)
                       / (t.bollinger_upper - t.bollinger_lower) - 0.5 ELSE 0 END,
             t.atr_14 / b.close::double precision] AS x,
       r.forward_return AS y
  FROM features.returns r
  JOIN features.technical_indicators t USING (instrument_id, bar_interval, bar_time)
  JOIN staging.bars b USING (instrument_id, bar_interval, bar_time)
 WHERE r.bar_interval = %s
WINDOW w AS (PARTITION BY r.instrument_id ORDER BY r.bar_time)
 ORDER BY r.bar_time, r.instrument_id
"""


@dataclass(frozen=True)
class Fit:
    """A standardised ridge regression: y ≈ intercept + ((x - mean) / scale) · coef."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    residual_std: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.intercept + ((x - self.mean) / self.scale) @ self.coef


def fit_ridge(x: np.ndarray, y: np.ndarray, alpha: float = ALPHA) -> Fit:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    intercept = float(y.mean())
    coef = np.linalg.solve(z.T @ z + alpha * np.eye(z.shape[1]), z.T @ (y - intercept))
    residuals = y - (intercept + z @ coef)
    return Fit(mean, scale, coef, intercept, float(residuals.std()))


@dataclass(frozen=True)
class TrainingSummary:
    """What `train` wrote: the run, how many examples, each split's metrics (SPLITS order)."""

    training_run_id: int
    examples: int
    metrics: dict[str, dict[str, float]]
    validation_start: str

    def as_dict(self) -> dict[str, object]:
        """The logged JSON form: the splits' metrics under their names, between the ids."""
        return {
            "training_run_id": self.training_run_id,
            "examples": self.examples,
            **self.metrics,
            "validation_start": self.validation_start,
        }


def metrics(y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    return {
        "rmse": float(np.sqrt(np.mean((y - predicted) ** 2))),
        "mae": float(np.mean(np.abs(y - predicted))),
        "hit_rate": float(np.mean(np.sign(y) == np.sign(predicted))),
    }


def _code_version() -> str:
    """Identifies the training code + feature definition (changes when either does)."""
    text = EXAMPLES_SQL + json.dumps(features.FEATURE_DEFINITION, sort_keys=True) + str(ALPHA)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _load_examples(conn: psycopg.Connection, minimum: int = 50):
    rows = conn.execute(EXAMPLES_SQL, (BAR,)).fetchall()
    rows = [r for r in rows if r[3] is not None and all(v is not None for v in r[2])]
    if len(rows) < minimum:
        raise dg.Failure(f"only {len(rows)} complete training examples; need at least 50")
    ids = np.array([r[0] for r in rows])
    times = [r[1] for r in rows]
    x = np.array([r[2] for r in rows], dtype=float)
    y = np.array([r[3] for r in rows], dtype=float)
    return ids, times, x, y


def split_bounds(times: list) -> list[tuple[str, int, int]]:
    """Row ranges (name, start, stop) of each split over time-sorted rows.

    Cuts fall between distinct instants, so bars of the same time never straddle two splits
    (no look-ahead through simultaneous bars of other instruments).
    """
    distinct = sorted(set(times))
    bounds, start, cut = [], 0, 0
    for i, (name, share) in enumerate(SPLITS):
        cut = len(distinct) if i == len(SPLITS) - 1 else cut + int(len(distinct) * share)
        stop = len(times) if cut >= len(distinct) else bisect_left(times, distinct[cut])
        bounds.append((name, start, stop))
        start = stop
    return bounds


def _upsert_model(conn: psycopg.Connection, feature_set_id: int) -> int:
    return single_value(
        conn.execute(
            "INSERT INTO ml.models (name, version, feature_set_id, algorithm, target, "
            "hyperparameters, status) VALUES (%s, %s, %s, 'ridge_regression', "
            "'forward_return over one 5m bar', %s, 'validated') "
            "ON CONFLICT (name, version) DO UPDATE SET feature_set_id = EXCLUDED.feature_set_id, "
            "hyperparameters = EXCLUDED.hyperparameters RETURNING model_id",
            (
                MODEL_NAME,
                MODEL_VERSION,
                feature_set_id,
                Jsonb({"alpha": ALPHA, "standardize": True}),
            ),
        )
    )


def _replace_run(conn: psycopg.Connection, model_id: int) -> None:
    """Forget this model's previous run, examples and metrics (re-materialization)."""
    conn.execute("DELETE FROM ml.model_metrics WHERE model_id = %s", (model_id,))
    conn.execute(
        "DELETE FROM ml.training_examples WHERE training_run_id IN "
        "(SELECT training_run_id FROM ml.training_runs WHERE model_id = %s)",
        (model_id,),
    )
    conn.execute("DELETE FROM ml.training_runs WHERE model_id = %s", (model_id,))


def train(conn: psycopg.Connection) -> TrainingSummary:
    """Fit, write run/examples/metrics; returns a summary for metadata."""
    feature_set_id = single_value(
        conn.execute(
            "SELECT feature_set_id FROM features.feature_sets WHERE name = %s AND version = %s",
            (features.FEATURE_SET_NAME, features.FEATURE_SET_VERSION),
        )
    )
    ids, times, x, y = _load_examples(conn)
    bounds = split_bounds(times)
    (_, tr0, tr1), (_, va0, va1), _ = bounds
    fit = fit_ridge(x[tr0:tr1], y[tr0:tr1])
    predicted = fit.predict(x)

    model_id = _upsert_model(conn, feature_set_id)
    _replace_run(conn, model_id)
    fitted = {
        "alpha": ALPHA,
        "intercept": fit.intercept,
        "coefficients": dict(zip(features.FEATURE_NAMES, fit.coef.tolist(), strict=True)),
        "feature_mean": fit.mean.tolist(),
        "feature_scale": fit.scale.tolist(),
        "residual_std": fit.residual_std,
    }
    run_id = single_value(conn.execute(
        "INSERT INTO ml.training_runs (model_id, status, train_start, train_end, validation_start,"
        " validation_end, hyperparameters, random_seed, code_version, started_at, finished_at) "
        "VALUES (%s, 'succeeded', %s, %s, %s, %s, %s, %s, %s, now(), now()) "
        "RETURNING training_run_id",
        (model_id, times[tr0], times[tr1 - 1] + STEP, times[va0], times[va1 - 1] + STEP,
         Jsonb(fitted), SEED, _code_version()),
    ))  # fmt: skip

    split_of = np.empty(len(y), dtype=object)
    for name, lo, hi in bounds:
        split_of[lo:hi] = name
    with conn.cursor() as cur:
        with cur.copy(
            "COPY ml.training_examples (training_run_id, instrument_id, as_of_time, data_split, "
            "feature_values, label) FROM STDIN"
        ) as copy:
            for i in range(len(y)):
                copy.write_row((run_id, int(ids[i]), times[i], split_of[i], x[i].tolist(), y[i]))

    by_split: dict[str, dict[str, float]] = {}
    for name, lo, hi in bounds:
        m = metrics(y[lo:hi], predicted[lo:hi])
        by_split[name] = m
        for metric, value in m.items():
            conn.execute(
                "INSERT INTO ml.model_metrics (model_id, training_run_id, metric_name, data_split,"
                " window_start, window_end, metric_value, sample_count) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (model_id, run_id, metric, name, times[lo], times[hi - 1] + STEP, value,
                 hi - lo),
            )  # fmt: skip

    return TrainingSummary(run_id, len(y), by_split, times[va0].isoformat())


def _prob_up(mean: float, std: float) -> float:
    if std <= 0:
        return 0.5
    return 0.5 * (1 + math.erf(mean / (std * math.sqrt(2))))


def _latest_fit(conn: psycopg.Connection) -> tuple[int, Fit, object] | None:
    """(model id, fitted model, first out-of-sample instant) of this model's training run."""
    row = conn.execute(
        "SELECT m.model_id, r.hyperparameters, r.validation_start FROM ml.models m "
        "JOIN ml.training_runs r USING (model_id) WHERE m.name = %s AND m.version = %s "
        "ORDER BY r.training_run_id DESC LIMIT 1",
        (MODEL_NAME, MODEL_VERSION),
    ).fetchone()
    if row is None:
        return None
    model_id, p, validation_start = row
    fit = Fit(
        np.array(p["feature_mean"]), np.array(p["feature_scale"]),
        np.array([p["coefficients"][n] for n in features.FEATURE_NAMES]),
        float(p["intercept"]), float(p["residual_std"]),
    )  # fmt: skip
    return model_id, fit, validation_start


def predict(conn: psycopg.Connection, window: Window) -> dict[str, object]:
    """Out-of-sample predictions of the window's bars, with a normal-residual band.

    Replaces this model's predictions inside the window only; bars before the training
    run's validation start are in-sample and get none.
    """
    latest = _latest_fit(conn)
    if latest is None:
        raise dg.Failure(
            f"no training run of {MODEL_NAME} v{MODEL_VERSION} yet: materialize ml/training_runs "
            "(asset ml_training) before predicting"
        )
    model_id, fit, validation_start = latest
    ids, times, x, _ = _load_examples(conn, minimum=0)
    chosen = [i for i, t in enumerate(times) if window.contains(t) and t >= validation_start]
    predicted = fit.predict(x[chosen]) if chosen else np.array([])
    band = 1.96 * fit.residual_std
    rows = [
        (model_id, int(ids[i]), times[i], times[i] + STEP, float(v), _prob_up(float(v), fit.residual_std),
         float(v) - band, float(v) + band)
        for i, v in zip(chosen, predicted, strict=True)
    ]  # fmt: skip
    conn.execute(
        "DELETE FROM ml.predictions WHERE model_id = %s AND predicted_at >= %s "
        "AND predicted_at < %s",
        (model_id, window.start, window.end),
    )
    columns = ["model_id", "instrument_id", "predicted_at", "target_time", "predicted_value",
               "probability", "lower_bound", "upper_bound"]  # fmt: skip
    upsert_rows(conn, PREDICTIONS, columns, rows, PREDICTION_KEY)
    return {"predictions": len(rows)}


def load_training(ctx: LoadContext) -> dict[str, dict[str, Any]]:
    summary = train(ctx.conn)
    ctx.log.info(f"model {MODEL_NAME} v{MODEL_VERSION}: {json.dumps(summary.as_dict())}")
    splits = {split: dg.MetadataValue.json(summary.metrics[split]) for split, _ in SPLITS}
    return {
        TRAINING_RUNS.qualified: {**splits, "examples": summary.examples},
        MODEL_METRICS.qualified: splits,
    }


def load_predictions(ctx: LoadContext) -> dict[str, dict[str, Any]]:
    assert ctx.window is not None, "ml_predictions is a monthly asset"
    summary = predict(ctx.conn, ctx.window)
    ctx.log.info(f"{PREDICTIONS.qualified}: {summary['predictions']} predictions")
    return {PREDICTIONS.qualified: {"predictions_written": summary["predictions"]}}


_INPUTS = (features.RETURNS.qualified, features.TECHNICAL_INDICATORS.qualified,
           staging.BARS.qualified)  # fmt: skip

TRAINING = Loader(
    name="ml_training",
    description="Fit a ridge regression on the feature set; write the run, examples, metrics.",
    writes=(
        MODELS.qualified,
        TRAINING_RUNS.qualified,
        TRAINING_EXAMPLES.qualified,
        MODEL_METRICS.qualified,
    ),  # fmt: skip
    reads={
        MODELS.qualified: (features.FEATURE_SETS.qualified,),
        TRAINING_RUNS.qualified: _INPUTS,
        TRAINING_EXAMPLES.qualified: _INPUTS,
    },
    load=load_training,
)

PREDICTIONS_LOADER = Loader(
    name="ml_predictions",
    description="Out-of-sample predictions of one or more months with the latest fitted model.",
    writes=(PREDICTIONS.qualified,),
    reads={PREDICTIONS.qualified: (TRAINING_RUNS.qualified, *_INPUTS)},
    load=load_predictions,
    monthly=True,
)

LOADERS = (TRAINING, PREDICTIONS_LOADER)
