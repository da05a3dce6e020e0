"""Plotly figures as pure functions of core results (atlas, flows, trajectories, portfolios,
backtests). The HTML report embeds them and the dashboard fetches them as JSON from the API,
so both draw the same thing and neither surface depends on the other."""
