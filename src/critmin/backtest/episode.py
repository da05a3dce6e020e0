"""Historical episodes as data: a scenario replayed on its year's network, and the record.

An episode is one YAML file (``src/critmin/backtest/episodes/<id>.yaml``, see docs/backtest.md)
validated by pydantic; every problem is reported with the file and the field path.
"""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from critmin.errors import DataError, Issue

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
MEASURES = ("price", "exports", "imports", "shortfall_share")


def parse_month(value: Any) -> str:
    """``2025-04`` (or a date) as the canonical ``YYYY-MM`` string."""
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    m = _MONTH.match(str(value).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"a month is written YYYY-MM (e.g. 2025-04), got {value!r}")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def month_index(month: str) -> int:
    """Months since year 0 (so that differences count months)."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Observation(_Strict):
    """One recorded point: the month, the value in the series' unit and its source id."""

    month: str
    value: float
    source: str = Field(min_length=1)
    note: str = ""

    @field_validator("month", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        return parse_month(value)


class Baseline(_Strict):
    """The observed level the model's index multiplies (prices in USD/kg)."""

    value: float = Field(gt=0)
    month: str
    source: str = Field(min_length=1)
    note: str = ""

    @field_validator("month", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        return parse_month(value)


class ModelSpec(_Strict):
    """Which model quantity a series is compared with.

    - ``price``: the price index of ``product`` (``market: world`` outside the restricting
      country, ``home`` inside it) times the series' baseline;
    - ``exports`` / ``imports``: a country's flows of ``products`` (optionally only to/from
      ``partners``), in t/month or, with ``relative: true``, as ``X_t / X_baseline - 1``;
    - ``shortfall_share``: shortfall over demand of ``products`` in ``country`` (all if none).
    """

    measure: Literal["price", "exports", "imports", "shortfall_share"]
    product: str | None = None
    products: list[str] | None = None
    market: Literal["world", "home"] = "world"
    country: str | None = None
    partners: list[str] | None = None
    relative: bool = False

    @model_validator(mode="after")
    def _complete(self) -> ModelSpec:
        if self.product is not None and self.products is not None:
            raise ValueError("give product or products, not both")
        if not self.product_ids:
            raise ValueError(f"a {self.measure} series needs product (or products)")
        if self.measure in {"exports", "imports"} and not self.country:
            raise ValueError(f"a {self.measure} series needs country")
        if self.measure == "price" and (self.country or self.partners or self.relative):
            raise ValueError("a price series takes product and market only")
        if self.measure == "shortfall_share" and (self.partners or self.relative):
            raise ValueError("a shortfall_share series takes country and products only")
        if self.partners is not None and not self.partners:
            raise ValueError("partners, when given, names at least one country")
        return self

    @property
    def product_ids(self) -> list[str]:
        return [self.product] if self.product else list(self.products or [])

    @property
    def kind(self) -> Literal["level", "change"]:
        """``level`` (positive quantities, compared in log ratio) or ``change`` (differences)."""
        if self.measure == "price" or (self.measure != "shortfall_share" and not self.relative):
            return "level"
        return "change"


class Series(_Strict):
    """One recorded time series and the model quantity it is compared with."""

    id: str = Field(pattern=ID_PATTERN)
    description: str = ""
    unit: str = Field(min_length=1)
    model: ModelSpec
    baseline: Baseline | None = None
    observed: list[Observation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _valid(self) -> Series:
        if self.model.measure == "price" and self.unit != "index" and self.baseline is None:
            raise ValueError(
                "a price series in USD/kg needs baseline: {value, month, source} (or unit: index)"
            )
        if self.model.measure != "price" and self.baseline is not None:
            raise ValueError("baseline is for price series only (flows use the network's)")
        months = [o.month for o in self.observed]
        dup = sorted({m for m in months if months.count(m) > 1})
        if dup:
            raise ValueError(f"more than one observation for {', '.join(dup)}")
        if self.model.kind == "level" and any(o.value <= 0 for o in self.observed):
            raise ValueError("observed levels (prices, tonnes) must be > 0")
        return self


class Episode(_Strict):
    """A built-in scenario replayed on the network of ``dataset_year`` from ``start``."""

    id: str = Field(pattern=ID_PATTERN)
    scenario: str = Field(min_length=1)
    dataset_year: int = Field(ge=1900, le=2100)
    start: str
    months: int = Field(ge=1, le=600)
    role: Literal["calibration", "validation"]
    description: str = ""
    notes: str = ""
    series: list[Series] = Field(min_length=1)

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: Any) -> str:
        return parse_month(value)

    @model_validator(mode="after")
    def _valid(self) -> Episode:
        ids = [s.id for s in self.series]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"series ids must be unique: {', '.join(dup)}")
        first, last = self.month_labels[0], self.month_labels[-1]
        for s in self.series:
            for o in s.observed:
                if not first <= o.month <= last:
                    raise ValueError(
                        f"series {s.id}: observation of {o.month} is outside the replay "
                        f"{first}..{last} (the month before start, then {self.months} months)"
                    )
        return self

    @property
    def month_labels(self) -> list[str]:
        """The replay's months: the baseline month (before ``start``), then ``months`` months."""
        s = month_index(self.start)
        return [month_label(i) for i in range(s - 1, s + self.months)]


# -- reading ------------------------------------------------------------------------------------
def episodes_folder() -> Path:
    return Path(str(files("critmin.backtest").joinpath("episodes")))


def builtin_episodes() -> dict[str, Path]:
    """Ids and files of the episodes shipped with critmin."""
    folder = episodes_folder()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "literal[")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_episode(data: Any, origin: str = "episode") -> Episode:
    """Validate episode data; a DataError names the file and field path of every problem."""
    if not isinstance(data, dict):
        raise DataError([Issue(origin, None, None, "an episode must be a mapping of fields")])
    try:
        return Episode.model_validate(data)
    except ValidationError as exc:
        issues, seen = [], set()
        for e in exc.errors(include_url=False):
            path = _field_path(e["loc"])
            msg = str(e["msg"]).removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                msg = "unknown field"
            if (path, msg) not in seen:
                seen.add((path, msg))
                issues.append(Issue(origin, None, path or None, msg))
        raise DataError(issues) from None


def load_episode_file(path: str | Path) -> Episode:
    """One episode file; its ``id`` must be the file's name."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError([Issue(str(path), None, None, f"cannot read: {exc.strerror}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError([Issue(str(path), mark.line + 1 if mark else None, None,
                               f"malformed YAML: {getattr(exc, 'problem', None) or exc}")]
                        ) from None  # fmt: skip
    episode = parse_episode(data, str(path))
    if episode.id != path.stem:
        raise DataError(
            [
                Issue(
                    str(path),
                    None,
                    "id",
                    f"the id {episode.id!r} must be the file name {path.stem!r}",
                )
            ]
        )
    return episode


def load_episodes(spec: str | Path | None = None) -> list[tuple[Episode, Path]]:
    """Built-in episodes (``spec`` None), one by id, one file, or every ``*.yaml`` of a folder."""
    builtins = builtin_episodes()
    if spec is None:
        paths = list(builtins.values())
        if not paths:
            raise DataError([Issue(str(episodes_folder()), None, None,
                                   "no built-in episodes (add YAML files here)")])  # fmt: skip
    elif str(spec) in builtins:
        paths = [builtins[str(spec)]]
    else:
        p = Path(spec)
        if p.is_dir():
            paths = sorted(p.glob("*.yaml"))
            if not paths:
                raise DataError([Issue(str(p), None, None, "no episode files (*.yaml) here")])
        elif p.exists():
            paths = [p]
        else:
            known = ", ".join(builtins) or "none"
            raise DataError(
                [
                    Issue(
                        str(spec),
                        None,
                        None,
                        f"no such episode file or built-in episode; built-in: {known}",
                    )
                ]
            )
    out, issues = [], []
    for p in paths:
        try:
            out.append((load_episode_file(p), p))
        except DataError as exc:
            issues.extend(exc.issues)
    if issues:
        raise DataError(issues)
    ids = [e.id for e, _ in out]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise DataError([Issue(str(spec), None, "id", f"episode ids repeat: {', '.join(dup)}")])
    return out
