"""The dashboards' read side: SQL only, one module per topic, small aggregated results.

| module | what it reads | used by |
|---|---|---|
| ``filters`` | the filter type and the WHERE clauses every query shares | all |
| ``catalogue`` | narratives, outlets, facets, the day range; is the schema there | sidebar |
| ``trends`` | daily narrative counts, totals and stance counts (the rollups) | Trends |
| ``compare`` | one narrative's and each group's daily counts | Trends (compare) |
| ``drivers`` | per outlet: articles in a period and in the periods before | Trends (now vs usual) |
| ``detail`` | one narrative by outlet / media type / ...; top outlets | Narrative detail |
| ``cooccurrence`` | narrative pairs (``daily_cooccurrence``), first movers | Narrative detail |
| ``evidence`` | tagged articles, excerpts, paged; the evidence CSV | Narrative detail, archive |
| ``outlets`` | articles per outlet per day | Outlets |

Periods, baselines, spikes and shares are computed from these rows outside the ground, by
pure functions (``dashboards/stats/``); the feed-health table is ``models.feed_health``
judged by ``quality.health``. Imports nothing of ours but models.
"""
