#!/usr/bin/env bash
# `make airflow`: Airflow 3 standalone (api-server, scheduler, dag-processor, triggerer,
# LocalExecutor) with the project's DAGs and the embedded SQLite store, sized for a
# small machine. Prints where to log in and the generated admin password.
#   AIRFLOW_PORT=8081 make airflow      # another port
#   NARRMON_SOURCES=config/demo-sources.yaml make airflow
# Everything lives under $NARRMON_DATA_DIR (default ./data): narrmon.sqlite3, archive/,
# exports/, and airflow/ (AIRFLOW_HOME: airflow.db, logs, the password file).
# One Ctrl-C (or SIGTERM) stops every component within AIRFLOW_STOP_GRACE_S (8) s + ~1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
AIRFLOW_BIN=${AIRFLOW_BIN:-$ROOT/.venv/bin/airflow}
# standalone starts its components as `airflow ...`: the venv's must come first.
export PATH="$(dirname "$AIRFLOW_BIN"):$PATH"

abs() { case "$1" in /*) echo "$1" ;; *) echo "$ROOT/$1" ;; esac; }

# narrmon settings: absolute, since task processes may not start in this folder.
NARRMON_DATA_DIR=$(abs "${NARRMON_DATA_DIR:-data}")
NARRMON_SOURCES=$(abs "${NARRMON_SOURCES:-config/sources.yaml}")
export NARRMON_DATA_DIR NARRMON_SOURCES
mkdir -p "$NARRMON_DATA_DIR"

export AIRFLOW_HOME=${AIRFLOW_HOME:-$NARRMON_DATA_DIR/airflow}
mkdir -p "$AIRFLOW_HOME"
export AIRFLOW__CORE__DAGS_FOLDER=$ROOT/dags
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=${AIRFLOW__DATABASE__SQL_ALCHEMY_CONN:-sqlite:///$AIRFLOW_HOME/airflow.db}
# Task processes at once: four crawls overlap on two cores (they wait on the network);
# Airflow's default of 32 would start 32 worker processes.
export AIRFLOW__CORE__PARALLELISM=${AIRFLOW__CORE__PARALLELISM:-4}
# One API worker process: a single user does not need the default four.
export AIRFLOW__API__WORKERS=${AIRFLOW__API__WORKERS:-1}
export AIRFLOW__API__PORT=${AIRFLOW_PORT:-8080}
# Local only: the simple auth manager is for a developer's machine, not a network.
export AIRFLOW__API__HOST=${AIRFLOW__API__HOST:-127.0.0.1}
# Task processes report to the API server on the chosen port.
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL=http://127.0.0.1:${AIRFLOW__API__PORT}/execution/
# Re-parse the DAG folder every minute rather than every 30 s: it changes rarely.
export AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL=${AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL:-60}
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}
# One extraction process per ingest task: tasks already run side by side.
export NARRMON_WORKERS=${NARRMON_WORKERS:-1}

PASSWORDS=$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated
URL="http://localhost:${AIRFLOW__API__PORT}"

announce() {
    # Wait for the API server and the password file, then say where to log in.
    for _ in $(seq 1 600); do
        if [ -s "$PASSWORDS" ] && curl -fsS -o /dev/null "$URL/api/v2/version" 2>/dev/null; then
            echo
            echo "================================================================"
            echo " narrative-monitor Airflow is up: $URL"
            echo " credentials (kept in $PASSWORDS):"
            "$(dirname "$AIRFLOW_BIN")/python" -c 'import json, sys
for user, password in json.load(open(sys.argv[1])).items():
    print(f"   user {user}   password {password}")' "$PASSWORDS"
            echo " DAGs: narrmon_ingest starts paused: unpause it in the UI or with"
            echo "   AIRFLOW_HOME=$AIRFLOW_HOME $AIRFLOW_BIN dags unpause narrmon_ingest"
            echo " narrmon_export runs after every ingest (created unpaused; if you paused it,"
            echo "   unpause it the same way); narrmon_retag is run by hand (Trigger)."
            echo " narrmon database: ${NARRMON_DATABASE_URL:-sqlite:///$NARRMON_DATA_DIR/narrmon.sqlite3}"
            echo "================================================================"
            return 0
        fi
        sleep 1
    done
    echo "airflow standalone: the UI did not come up on $URL within 10 minutes" >&2
}

# Seconds the components get to exit on SIGTERM before they are killed: standalone's
# own shutdown waits >90 s on its components; an operator's Ctrl-C should not. Eight
# leaves room in the 15 s budget for the kill and the clean-up on a loaded machine
# (the api-server alone takes ~7 s to drain).
STOP_GRACE_S=${AIRFLOW_STOP_GRACE_S:-8}
PIDS=""

descendants() {
    # Every process under $1 (ps only: pstree is not everywhere).
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}

ours() {
    # Every process of standalone's session, and every process under it: a component
    # may respawn a worker while stopping, or leave an orphan that init adopted.
    (ps -o pid= -s "$STANDALONE" 2>/dev/null || true) | tr -d ' '
    descendants "$STANDALONE"
}

alive() {
    # How many of the given pids still run (zombies count as gone).
    local pid n=0
    for pid in "$@"; do
        case "$(ps -o stat= -p "$pid" 2>/dev/null)" in
            "" | Z*) ;;
            *) n=$((n + 1)) ;;
        esac
    done
    echo "$n"
}

wait_gone() {
    # Wait until none of our processes runs, or the deadline ($1, epoch seconds).
    while [ "$(date +%s)" -lt "$1" ]; do
        # shellcheck disable=SC2046
        [ "$(alive $(ours) $PIDS)" -eq 0 ] && return 0
        sleep 0.2
    done
    return 1
}

stop() {
    # One Ctrl-C or SIGTERM: SIGTERM to standalone's process group and session and to
    # every process under it, SIGKILL to what is left after the grace.
    trap '' INT TERM
    echo
    echo "stopping Airflow (up to ${STOP_GRACE_S} s) ..."
    # The announcer too, with whatever it runs (a sleep, curl): nothing may outlive us.
    # shellcheck disable=SC2046
    kill "$ANNOUNCER" $(descendants "$ANNOUNCER") 2>/dev/null || true
    PIDS="$STANDALONE $(ours)"
    # shellcheck disable=SC2086  # one word per pid
    kill -TERM -- "-$STANDALONE" $PIDS 2>/dev/null || true
    if ! wait_gone $(($(date +%s) + STOP_GRACE_S)); then
        PIDS="$PIDS $(ours)"
        # shellcheck disable=SC2086
        kill -KILL -- "-$STANDALONE" $PIDS 2>/dev/null || true
        wait_gone $(($(date +%s) + 3)) || echo "some Airflow processes did not stop: $PIDS" >&2
    fi
    wait "$STANDALONE" 2>/dev/null || true
    echo "Airflow stopped"
    exit 0
}

echo "AIRFLOW_HOME=$AIRFLOW_HOME  DAGs: $AIRFLOW__CORE__DAGS_FOLDER  UI: $URL"
announce &
ANNOUNCER=$!
# A session of its own: the terminal's Ctrl-C reaches this script only, which then
# stops the whole group (standalone alone would wait minutes on its components).
setsid "$AIRFLOW_BIN" standalone &
STANDALONE=$!
trap stop INT TERM
trap 'kill "$ANNOUNCER" 2>/dev/null || true' EXIT
wait "$STANDALONE"
