"""Backtest and calibration: replay historical episodes and compare model bands with the record.

>>> import critmin
>>> from critmin.backtest import load_episodes, prepare_episode, run_prepared
>>> [(episode, path)] = load_episodes("china-2025-april-licensing")
>>> result = run_prepared(prepare_episode(episode, critmin.load_builtin(), path=path), draws=300)
>>> result.coverage   # share of observed points inside the model's P10-P90 band
"""

from critmin.backtest.calibrated import calibrated_parameters, compose_parameters
from critmin.backtest.episode import Episode, builtin_episodes, load_episodes, parse_episode
from critmin.backtest.replay import EpisodeResult, SeriesResult, prepare_episode, run_prepared

__all__ = [
    "Episode",
    "EpisodeResult",
    "SeriesResult",
    "builtin_episodes",
    "calibrated_parameters",
    "compose_parameters",
    "load_episodes",
    "parse_episode",
    "prepare_episode",
    "run_prepared",
]
