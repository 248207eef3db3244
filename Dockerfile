# narrative-monitor: one image for the Airflow services, the Celery workers and the
# dashboards (docker-compose.yml picks the command). Build: docker compose build
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIRFLOW_HOME=/opt/airflow \
    NARRMON_DATA_DIR=/data \
    NARRMON_SOURCES=/opt/narrmon/config/sources.yaml

# uv installs the pinned set in seconds (the Makefile's version, for the same resolver).
ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir "uv==${UV_VERSION}"

WORKDIR /opt/narrmon
# Dependencies first, so a code change does not reinstall them. --compile-bytecode: the
# image runs as a user who cannot write __pycache__, so without .pyc files every process
# would recompile what it imports (Great Expectations alone: about 8 s of CPU).
COPY requirements.lock ./
RUN uv pip sync --system --no-cache --compile-bytecode requirements.lock

COPY pyproject.toml README.md ./
COPY narrmon ./narrmon
COPY demo_outlets ./demo_outlets
COPY models ./models
COPY crawlers ./crawlers
COPY narratives ./narratives
COPY quality ./quality
COPY dashboards ./dashboards
COPY dags ./dags
COPY config ./config
COPY deploy ./deploy
RUN uv pip install --system --no-cache --compile-bytecode --no-deps . \
    && python -c "import narrmon.tasks, dashboards, crawlers.extraction, narratives" \
    && python -c "from narratives import embedding; embedding.encoder()"  # tuned layers packaged

# A fixed uid/gid (Airflow's image convention) so volume ownership is stable across
# rebuilds and hosts.
ARG NARRMON_UID=50000
RUN groupadd --gid "${NARRMON_UID}" narrmon \
    && useradd --uid "${NARRMON_UID}" --gid narrmon --home-dir /opt/airflow --create-home narrmon \
    && mkdir -p /data/archive /data/exports /data/staging /opt/airflow/auth /opt/airflow/logs \
    && chown -R narrmon:narrmon /data /opt/airflow
USER narrmon

VOLUME ["/data"]
EXPOSE 8080 8501
CMD ["narrmon", "--help"]
