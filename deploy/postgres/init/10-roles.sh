#!/usr/bin/env bash
# PostgreSQL first-start init (mounted into /docker-entrypoint-initdb.d by
# docker-compose.yml): the narrmon and airflow databases, their owner roles, and the
# read-only role the dashboards connect with. Idempotent: safe to run again by hand
#   docker compose exec postgres bash /docker-entrypoint-initdb.d/10-roles.sh
# Passwords come from the environment (.env); none has a default.
set -euo pipefail
: "${NARRMON_DB_PASSWORD:?set NARRMON_DB_PASSWORD in .env}"
: "${NARRMON_DASHBOARD_DB_PASSWORD:?set NARRMON_DASHBOARD_DB_PASSWORD in .env}"
: "${AIRFLOW_DB_PASSWORD:?set AIRFLOW_DB_PASSWORD in .env}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v narrmon_pw="$NARRMON_DB_PASSWORD" \
    -v dashboard_pw="$NARRMON_DASHBOARD_DB_PASSWORD" \
    -v airflow_pw="$AIRFLOW_DB_PASSWORD" <<'SQL'
-- Roles: created once, passwords (re)set from .env on every run.
SELECT 'CREATE ROLE narrmon LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'narrmon') \gexec
SELECT 'CREATE ROLE narrmon_dashboard LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'narrmon_dashboard') \gexec
SELECT 'CREATE ROLE airflow LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'airflow') \gexec
ALTER ROLE narrmon LOGIN PASSWORD :'narrmon_pw';
ALTER ROLE narrmon_dashboard LOGIN PASSWORD :'dashboard_pw';
ALTER ROLE airflow LOGIN PASSWORD :'airflow_pw';
-- The dashboards only read: every transaction of theirs is read-only.
ALTER ROLE narrmon_dashboard SET default_transaction_read_only = on;

SELECT 'CREATE DATABASE narrmon OWNER narrmon'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'narrmon') \gexec
SELECT 'CREATE DATABASE airflow OWNER airflow'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'airflow') \gexec
REVOKE ALL ON DATABASE narrmon FROM PUBLIC;
REVOKE ALL ON DATABASE airflow FROM PUBLIC;
GRANT CONNECT ON DATABASE narrmon TO narrmon_dashboard;

\connect narrmon
-- SELECT on the tables that exist and, through default privileges, on every table
-- narrmon's migrations create later.
GRANT USAGE ON SCHEMA public TO narrmon_dashboard;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO narrmon_dashboard;
ALTER DEFAULT PRIVILEGES FOR ROLE narrmon IN SCHEMA public
    GRANT SELECT ON TABLES TO narrmon_dashboard;
SQL
echo "narrmon roles and databases ready"
