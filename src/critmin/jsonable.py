"""Plain JSON values from core results (frames, numpy scalars, NaN): one encoder for every
surface (CLI output, API bodies, stored summaries)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd


def jsonable(value: Any) -> Any:
    """Plain JSON values: NaN -> None, numpy scalars -> Python, frames -> list of records,
    dates and timestamps -> ISO 8601 text."""
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, datetime | date | time):  # pd.Timestamp is a datetime
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def dumps(obj: Any) -> str:
    """Indented JSON text of :func:`jsonable` ``obj`` (non-ASCII kept)."""
    return json.dumps(jsonable(obj), indent=2, ensure_ascii=False)
