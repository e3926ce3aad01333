"""ML layer: training examples, a ridge regression fitted with numpy, predictions, metrics.

The model predicts the next 5-minute bar's simple return from the `intraday_momentum`
feature set. Data is split by time (train, then validation, then test: no look-ahead), the
features are standardised on the training split only, and the closed-form ridge solution
keeps the fit deterministic. One model version is owned by this asset: re-materializing
replaces its run, examples and metrics and upserts its predictions, nothing else.
"""

import hashlib
import json
import math
from bisect import bisect_left
from dataclasses import dataclass
from datetime import timedelta

import dagster as dg
import numpy as np
import psycopg
from psycopg.types.json import Jsonb

from schema_assets.catalog import take_snapshot
from schema_assets.database import connect
from schema_assets.defs.resources import WarehouseResource
from schema_assets.defs.tables import features
from schema_assets.defs.tables.common import (
    WarehouseTable,
    asset_spec,
    materialize_result,
    upsert_rows,
)

MODELS = WarehouseTable("ml", "models", "ml", "Model versions.")
TRAINING_RUNS = WarehouseTable("ml", "training_runs", "ml", "Training runs with fitted params.")
TRAINING_EXAMPLES = WarehouseTable("ml", "training_examples", "ml", "Feature vectors + labels.")
PREDICTIONS = WarehouseTable("ml", "predictions", "ml", "Out-of-sample predictions.")
MODEL_METRICS = WarehouseTable("ml", "model_metrics", "ml", "RMSE, MAE, hit rate per split.")
TABLES = (MODELS, TRAINING_RUNS, TRAINING_EXAMPLES, PREDICTIONS, MODEL_METRICS)

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


def _load_examples(conn: psycopg.Connection):
    rows = conn.execute(EXAMPLES_SQL, (BAR,)).fetchall()
    rows = [r for r in rows if r[3] is not None and all(v is not None for v in r[2])]
    if len(rows) < 50:
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
    return conn.execute(
        "INSERT INTO ml.models (name, version, feature_set_id, algorithm, target, "
        "hyperparameters, status) VALUES (%s, %s, %s, 'ridge_regression', "
        "'forward_return over one 5m bar', %s, 'validated') "
        "ON CONFLICT (name, version) DO UPDATE SET feature_set_id = EXCLUDED.feature_set_id, "
        "hyperparameters = EXCLUDED.hyperparameters RETURNING model_id",
        (MODEL_NAME, MODEL_VERSION, feature_set_id, Jsonb({"alpha": ALPHA, "standardize": True})),
    ).fetchone()[0]


def _replace_run(conn: psycopg.Connection, model_id: int) -> None:
    """Forget this model's previous run, examples and metrics (re-materialization)."""
    conn.execute("DELETE FROM ml.model_metrics WHERE model_id = %s", (model_id,))
    conn.execute(
        "DELETE FROM ml.training_examples WHERE training_run_id IN "
        "(SELECT training_run_id FROM ml.training_runs WHERE model_id = %s)",
        (model_id,),
    )
    conn.execute("DELETE FROM ml.training_runs WHERE model_id = %s", (model_id,))


def train(conn: psycopg.Connection) -> dict[str, object]:
    """Fit, write run/examples/predictions/metrics; returns a summary for metadata."""
    feature_set_id = conn.execute(
        "SELECT feature_set_id FROM features.feature_sets WHERE name = %s AND version = %s",
        (features.FEATURE_SET_NAME, features.FEATURE_SET_VERSION),
    ).fetchone()[0]
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
    run_id = conn.execute(
        "INSERT INTO ml.training_runs (model_id, status, train_start, train_end, validation_start,"
        " validation_end, hyperparameters, random_seed, code_version, started_at, finished_at) "
        "VALUES (%s, 'succeeded', %s, %s, %s, %s, %s, %s, %s, now(), now()) "
        "RETURNING training_run_id",
        (model_id, times[tr0], times[tr1 - 1] + STEP, times[va0], times[va1 - 1] + STEP,
         Jsonb(fitted), SEED, _code_version()),
    ).fetchone()[0]  # fmt: skip

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

    summary: dict[str, object] = {"training_run_id": run_id, "examples": len(y)}
    for name, lo, hi in bounds:
        m = metrics(y[lo:hi], predicted[lo:hi])
        summary[name] = m
        for metric, value in m.items():
            conn.execute(
                "INSERT INTO ml.model_metrics (model_id, training_run_id, metric_name, data_split,"
                " window_start, window_end, metric_value, sample_count) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (model_id, run_id, metric, name, times[lo], times[hi - 1] + STEP, value,
                 hi - lo),
            )  # fmt: skip

    # Out-of-sample predictions (validation + test) with a normal-residual band.
    band = 1.96 * fit.residual_std
    rows = [
        (model_id, int(ids[i]), times[i], times[i] + STEP, float(predicted[i]),
         _prob_up(float(predicted[i]), fit.residual_std), float(predicted[i]) - band,
         float(predicted[i]) + band)
        for i in range(va0, len(y))
    ]  # fmt: skip
    columns = ["model_id", "instrument_id", "predicted_at", "target_time", "predicted_value",
               "probability", "lower_bound", "upper_bound"]  # fmt: skip
    upsert_rows(conn, PREDICTIONS, columns, rows, PREDICTION_KEY)
    summary["predictions"] = len(rows)
    return summary


def _prob_up(mean: float, std: float) -> float:
    if std <= 0:
        return 0.5
    return 0.5 * (1 + math.erf(mean / (std * math.sqrt(2))))


@dg.multi_asset(
    name="ml_layer",
    specs=[
        asset_spec(MODELS, [features.FEATURE_SETS]),
        asset_spec(TRAINING_RUNS, [MODELS]),
        asset_spec(
            TRAINING_EXAMPLES, [TRAINING_RUNS, features.RETURNS, features.TECHNICAL_INDICATORS]
        ),
        asset_spec(PREDICTIONS, [MODELS, TRAINING_EXAMPLES]),
        asset_spec(MODEL_METRICS, [TRAINING_RUNS, PREDICTIONS]),
    ],
    description="Fit a ridge regression on the features; write predictions and metrics.",
)
def ml_layer(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with connect(warehouse.url()) as conn:
        summary = train(conn)
        conn.commit()
        context.log.info(f"model {MODEL_NAME} v{MODEL_VERSION}: {json.dumps(summary)}")
        snapshot = take_snapshot(conn)
        for table in TABLES:
            extra = {}
            if table in (TRAINING_RUNS, MODEL_METRICS):
                extra = {split: dg.MetadataValue.json(summary[split]) for split, _ in SPLITS}
            yield materialize_result(conn, snapshot, table, extra)
