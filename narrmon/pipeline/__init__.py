"""The ingestion pipeline, one module per stage an article passes (docs/architecture.md):
crawl → extract → gate → tag → dedupe → store → rollups; ``run`` strings them together."""
