#!/usr/bin/env bash
# The compose init job (docker-compose.yml, service airflow-init): runs once per
# `docker compose up`, as root only long enough to hand the fresh volumes to the
# narrmon user. Idempotent: every step may run again.
set -euo pipefail
: "${AIRFLOW_ADMIN_PASSWORD:?set AIRFLOW_ADMIN_PASSWORD in .env}"

as_narrmon() { setpriv --reuid=narrmon --regid=narrmon --init-groups "$@"; }

mkdir -p /data/archive /data/exports /data/staging /opt/airflow/auth
chown narrmon:narrmon /data /data/archive /data/exports /data/staging /opt/airflow/auth

echo "== Airflow metadata database"
as_narrmon airflow db migrate

echo "== narrmon database: schema, sources, taxonomy"
as_narrmon narrmon init

echo "== Airflow admin password (SimpleAuthManager file)"
umask 077
python - <<'PY'
import json, os
path = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
with open(path, "w", encoding="utf-8") as fh:
    json.dump({"admin": os.environ["AIRFLOW_ADMIN_PASSWORD"]}, fh)
PY
chown narrmon:narrmon "$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
echo "init done: log in at http://localhost:${AIRFLOW_PORT:-8080} as admin"
