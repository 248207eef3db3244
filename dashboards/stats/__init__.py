"""The dashboards' statistics as pure functions (no database, no Streamlit): periods and
buckets, the rolling baseline and the one spike rule, the trend frame and its summaries,
now vs usual, compare shares, the chart-data layout behind every CSV. Testable on
hand-made frames (tests/dashboards/test_stats.py);
``dashboards.data`` feeds them the rows of ``models.dashboard``.
"""
