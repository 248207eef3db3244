# narrative-monitor: one front door for developers.
#   make demo   - set up, ingest the bundled demo outlets, open the dashboards
#   make test   - the whole test suite (SQLite and the PostgreSQL at 127.0.0.1:5432), on every core
#   make test-fast - the quick part: no crawls, Airflow, browser or benchmarks
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
# uv installs the pinned set in seconds; pip 23 takes minutes and misses lxml-html-clean.
# --compile-bytecode (pip's default, not uv's) and compileall write the .pyc files once:
# with PYTHONDONTWRITEBYTECODE set, every process would otherwise recompile what it
# imports (about 8 s of CPU for Great Expectations, 1 s for each Scrapy crawl process).
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: install lock demo test test-fast lint bench bench-extraction bench-tagging bench-export \
        bench-quality bench-ingest bench-dashboard bench-dashboard-render bench-dags bench-dedup airflow dashboard clean help \
        train-tagger train-encoder

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) requirements.lock pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync --quiet --compile-bytecode --python $(PY) requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m compileall -q narrmon crawlers narratives quality models demo_outlets
	touch $(STAMP)

install: $(STAMP) ## create .venv with the pinned dependencies and the project

lock: $(PY) ## re-pin every dependency from pyproject.toml into requirements.lock
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

# pytest-xdist workers: one per core (2 here). Each test file runs whole on one worker
# (--dist loadfile: its module fixtures are built once, and tests that share fixed ports,
# like the demo's runs on both backends, take turns); every worker has its own databases
# and temp dirs. Files with long tests go out first (tests/conftest.py; xdist's own reorder,
# by test count, would hand out the two-test soak last and leave one worker running alone).
TEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
# What `make test-fast` leaves out (marks registered in pyproject.toml, checked by tests/marks.py).
FAST_MARKS := not (crawl or airflow or browser or bench or slow)

test: install ## run the whole test suite on every core (SQLite and the PostgreSQL at 127.0.0.1:5432)
	$(PY) -m pytest $(PYTEST_PARALLEL) --durations=30

test-fast: install ## the tests without crawls, Airflow, a browser, benchmarks or slow ones (under 3 minutes)
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "$(FAST_MARKS)" --durations=15

lint: install ## ruff, mypy and the import contracts (layers, independent parts, no cycles)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

demo: install ## serve the bundled demo outlets, ingest them on SQLite, start the dashboards
	$(VENV)/bin/narrmon demo

bench: bench-export bench-extraction bench-tagging bench-quality bench-ingest bench-dashboard bench-dags bench-dedup ## run every benchmark (sections in docs/bench/)

bench-export: install ## export memory: peak RSS exporting 50k and 200k articles
	$(PY) -m bench.export_memory --markdown docs/bench/export.md

bench-extraction: install ## trafilatura alone vs ours on the article-extraction benchmark
	@test -f bench/extraction.py || { echo "bench-extraction arrives with issue #3" >&2; exit 2; }
	$(PY) -m bench.extraction --half all --markdown docs/bench/extraction.md

bench-tagging: install ## tagger v1 vs v2 (+ ablations, alternative encoder) on the held-out real-genre test part
	$(PY) -m bench.tagging --alternative --markdown docs/bench/tagging.md

# With tuned encoder layers present (they ship), the learned layer is fitted on their cross-fitted
# vectors, which only `make train-encoder` writes (data/training/, not in git).
train-tagger: install ## re-train the tagger's learned layer on the dev part (writes narratives/semantic_model.json)
	$(PY) -m narratives.training $(if $(wildcard $(TUNED_LAYERS)),--crossfit $(CROSSFIT_VECTORS)) --report docs/bench/tagger-training.md

# The encoder's tuned layers are trained in their own virtualenv: PyTorch (~1 GB) never enters
# .venv, the service or CI. The cross-fitted vectors feed `make train-tagger` (same file).
TRAIN_VENV := .venv-train
CROSSFIT_VECTORS := data/training/crossfit-vectors.pkl
TUNED_LAYERS := narratives/encoder_layers.bin
$(TRAIN_VENV)/.installed: requirements.lock requirements-train.txt pyproject.toml
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(TRAIN_VENV)/bin/uv pip sync --quiet --python $(TRAIN_VENV)/bin/python requirements.lock
	$(TRAIN_VENV)/bin/uv pip install --quiet --python $(TRAIN_VENV)/bin/python --no-deps -e .
	$(TRAIN_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-train.txt
	touch $@

train-encoder: $(TRAIN_VENV)/.installed ## fine-tune the encoder's top layers on the dev part (writes narratives/encoder_layers.bin), then re-train the tagger on them
	mkdir -p $(dir $(CROSSFIT_VECTORS))
	$(TRAIN_VENV)/bin/python -m narratives.encoder_tuning --vectors $(CROSSFIT_VECTORS) \
		--report docs/bench/encoder-tuning.md
	$(MAKE) train-tagger

bench-quality: install ## quality gate: validation time of 1,000 articles after the GX import
	$(PY) -m bench.quality_gate --rows 1000 --runs 7 --markdown docs/bench/quality.md

bench-ingest: install ## end-to-end `narrmon run` vs the extraction limit (1,000 and 5,000 pages, both databases)
	$(PY) -m bench.ingest --pages 1000 --backend sqlite --runs 5 --markdown docs/bench/ingest-1000-sqlite.md
	$(PY) -m bench.ingest --pages 5000 --backend sqlite --runs 5 --profile /tmp/narrmon-ingest-5000.stacks \
		--markdown docs/bench/ingest-5000-sqlite.md
	$(PY) -m bench.profile_summary /tmp/narrmon-ingest-5000.stacks --markdown docs/bench/ingest-5000-profile.md
	$(PY) -m bench.ingest --pages 5000 --backend postgresql --runs 5 --markdown docs/bench/ingest-5000-postgresql.md
	$(PY) -m bench.worker_costs --pages 600 --runs 3 --markdown docs/bench/worker-costs.md

bench-dashboard: install ## dashboard query latency (p50/p95) at 1M articles, SQLite and PostgreSQL; page render cold/warm
	$(PY) -m bench.dashboard_queries --backend sqlite --markdown docs/bench/dashboard-sqlite.md
	$(PY) -m bench.dashboard_queries --backend postgresql --markdown docs/bench/dashboard-postgresql.md
	$(MAKE) bench-dashboard-render

bench-dashboard-render: install ## dashboard page render, cold and warm: demo-sized SQLite and 1M-article PostgreSQL
	$(PY) -m bench.dashboard_render --backend sqlite --markdown docs/bench/dashboard-render-sqlite.md
	$(PY) -m bench.dashboard_render --backend postgresql --markdown docs/bench/dashboard-render-postgresql.md

bench-dedup: install ## story clustering: pair precision/recall on the generated corpus; lookup ms/article at 1M stored, both databases
	$(PY) -m bench.dedup_quality --markdown docs/bench/dedup-quality.md
	$(PY) -m bench.dedup_lookup --backend sqlite --markdown docs/bench/dedup-sqlite.md
	$(PY) -m bench.dedup_lookup --backend postgresql --markdown docs/bench/dedup-postgresql.md

bench-dags: install ## DAG folder parse time (fresh interpreter per round)
	$(PY) -m bench.dag_parse --runs 5 --markdown docs/bench/dag-parse.md

airflow: install ## Airflow 3 standalone (UI on :8080) with the project's DAGs
	scripts/airflow-standalone.sh

dashboard: install ## start the Streamlit dashboards against NARRMON_DATABASE_URL
	$(VENV)/bin/narrmon dashboard

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache build *.egg-info
