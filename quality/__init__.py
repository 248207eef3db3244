"""The quality gate: named article checks (Great Expectations), batch checks, feed health.

Importing this package is cheap: Great Expectations (about 12 s to import) is loaded
lazily by :mod:`quality.gx_runtime` on the first validation, once per process.

Entry points the core calls:

- :func:`quality.gate.validate_batch` validates one batch of :class:`quality.records.GateRow`
  and says which rows pass and which fail, with the names and details of failed checks;
- :func:`quality.gate.build_data_docs` renders the Data Docs site after a run;
- :func:`quality.batch.check_batch` judges one crawl run of one source;
- :func:`quality.health.feed_health` and :func:`quality.health.unhealthy` judge sources
  (:func:`quality.health.judge` over the plain rows ``models.feed_health`` returns).

This is a part: it reads ``models`` (health: through ``models.feed_health``, no SQL here)
and imports nothing else of the project.
"""
