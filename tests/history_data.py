"""A small hand-made backtest result for the surfaces' tests (report, dashboard, API)."""

#: A small hand-made backtest in the exact shape `critmin backtest --format json` prints.
BACKTEST = {"episodes": [
    {"id": "april-2025", "scenario": "china-2025-april-licensing", "dataset_year": 2024,
     "role": "calibration", "coverage": 0.75, "series": [
         {"id": "chn_exports_ndfeb_magnets", "description": "China's magnet exports, y/y",
          "unit": "ratio", "months": ["2025-03", "2025-04", "2025-05", "2025-06"],
          "observed": [None, -0.51, -0.74, -0.2], "p10": [0, -0.7, -0.8, -0.5],
          "p50": [0, -0.6, -0.65, -0.4], "p90": [0, -0.4, -0.5, -0.3]},
         {"id": "price_oxide_dy_export", "description": "Dy oxide FOB China",
          "unit": "USD/kg", "months": ["2025-03", "2025-04", "2025-05", "2025-06"],
          "observed": [230, None, 800, None], "p10": [230, 300, 400, 350],
          "p50": [230, 450, 600, 500], "p90": [230, 700, 750, 650]}]},
    {"id": "quota-2010", "scenario": "china-2010-quota", "dataset_year": 2009,
     "role": "validation", "coverage": None, "series": [
         {"id": "price_oxide_dy_export", "description": "Dy oxide", "unit": "USD/kg",
          "months": ["2010-06", "2010-07"], "observed": [None, None],
          "p10": [None, None], "p50": [None, None], "p90": [None, None]}]},
]}  # fmt: skip
SOURCES = {"april-2025": {"chn_exports_ndfeb_magnets": ["reuters-magnets"],
                          "price_oxide_dy_export": ["smm-dy", "usgs"]}}  # fmt: skip
