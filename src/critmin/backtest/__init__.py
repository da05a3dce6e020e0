"""Backtest and calibration: replay historical episodes and compare model bands with the record.

>>> import critmin
>>> from critmin.backtest import backtest, results_json
>>> [result] = backtest(critmin.load_builtin(), "china-2025-april-licensing", draws=300)
>>> result.coverage   # share of observed points inside the model's P10-P90 band
>>> results_json([result])   # what `critmin backtest --format json` prints
"""

from critmin.backtest.calibrated import calibrated_parameters, compose_parameters
from critmin.backtest.episode import Episode, builtin_episodes, load_episodes, parse_episode
from critmin.backtest.replay import (
    EpisodeResult,
    SeriesResult,
    backtest,
    prepare_episode,
    results_json,
    run_prepared,
)

__all__ = [
    "Episode",
    "EpisodeResult",
    "SeriesResult",
    "backtest",
    "builtin_episodes",
    "calibrated_parameters",
    "compose_parameters",
    "load_episodes",
    "parse_episode",
    "prepare_episode",
    "results_json",
    "run_prepared",
]
