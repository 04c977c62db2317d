#!/bin/sh
# Temporal setup for docker-compose.yml, run by the temporalio/admin-tools image (Alpine: POSIX sh, getent, awk,
# temporal-sql-tool and the temporal CLI), and by the cluster mode of `npm run dev` and the tests
# (scripts/lib/temporal-cluster.ts), which pass the tools' paths, SCHEMA_DIR and the connection in the environment.
# Every step is idempotent, so `docker compose up` may run it again.
#
#   setup-temporal-schema.sh schema      before the server starts: creates the `temporal` and `temporal_visibility`
#                                        databases and brings their schemas up to date; creates the `dropday`
#                                        database (the app applies its own migrations at start-up; APP_DB= skips it)
#   setup-temporal-schema.sh namespace   once the server answers: registers the namespace and dropday's custom
#                                        search attributes (lib/temporal/search-attributes.ts)
set -eu

SQL_TOOL=${SQL_TOOL:-temporal-sql-tool}
TEMPORAL_CLI=${TEMPORAL_CLI:-temporal}

SQL_PLUGIN=${SQL_PLUGIN:-${DB:-postgres12}}
SQL_HOST=${SQL_HOST:-postgresql}
SQL_PORT=${SQL_PORT:-5432}
SQL_USER=${SQL_USER:-postgres}
SCHEMA_DIR=${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}
TEMPORAL_DB=${TEMPORAL_DB:-temporal}
VISIBILITY_DB=${VISIBILITY_DB:-temporal_visibility}
APP_DB=${APP_DB-dropday}

NAMESPACE=${NAMESPACE:-default}
NAMESPACE_RETENTION=${NAMESPACE_RETENTION:-72h}
TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}

log() { echo "[temporal-setup] $*"; }

# retry WHAT COMMAND...: runs COMMAND until it succeeds, up to 60 tries 2 s apart.
retry() {
  what=$1
  shift
  tries=0
  until "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      log "giving up: $what"
      return 1
    fi
    log "not yet: $what; retrying in 2 s"
    sleep 2
  done
}

sql_tool() {
  "$SQL_TOOL" --plugin "$SQL_PLUGIN" --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" "$@"
}

setup_schema() {
  : "${SQL_PASSWORD:?SQL_PASSWORD is required}"
  export SQL_PASSWORD # temporal-sql-tool reads it from the environment, so it never shows in a process list
  log "database $TEMPORAL_DB"
  retry "PostgreSQL at $SQL_HOST:$SQL_PORT" sql_tool --db "$TEMPORAL_DB" create
  sql_tool --db "$TEMPORAL_DB" setup-schema -v 0.0
  sql_tool --db "$TEMPORAL_DB" update-schema -d "$SCHEMA_DIR/temporal/versioned"

  log "database $VISIBILITY_DB"
  sql_tool --db "$VISIBILITY_DB" create
  sql_tool --db "$VISIBILITY_DB" setup-schema -v 0.0
  sql_tool --db "$VISIBILITY_DB" update-schema -d "$SCHEMA_DIR/visibility/versioned"

  if [ -n "$APP_DB" ]; then
    log "database $APP_DB (its tables come from dropday's own migrations)"
    sql_tool --db "$APP_DB" create
  fi

  log "schema setup complete"
}

setup_namespace() {
  host=${TEMPORAL_ADDRESS%:*}
  port=${TEMPORAL_ADDRESS##*:}
  # Dial the IPv4 address: the server binds 0.0.0.0 only, and the CLI could otherwise try an IPv6 answer first.
  ip=$(getent ahosts "$host" 2>/dev/null | awk '/STREAM/ && $1 ~ /^[0-9.]+$/ { print $1; exit }') || ip=
  address="${ip:-$host}:$port"

  log "waiting for the Temporal server at $TEMPORAL_ADDRESS ($address)"
  retry "Temporal server health" "$TEMPORAL_CLI" operator cluster health --address "$address"

  if "$TEMPORAL_CLI" operator namespace describe --address "$address" --namespace "$NAMESPACE" >/dev/null 2>&1; then
    log "namespace $NAMESPACE exists (retention unchanged; see docs/deployment.md to change it)"
  else
    log "creating namespace $NAMESPACE (retention $NAMESPACE_RETENTION)"
    "$TEMPORAL_CLI" operator namespace create --address "$address" --namespace "$NAMESPACE" \
      --retention "$NAMESPACE_RETENTION"
  fi

  # Keyword: ids match exactly (Text would tokenise them). Values are opaque ids and kinds, never personal data.
  # Attributes that already exist with the same type are left as they are, so this is safe to repeat. A namespace
  # created a moment ago is "not found" until the server's namespace cache refreshes (seconds): retry until then.
  log "registering search attributes CampaignId, AccountId, Kind"
  retry "search attributes in namespace $NAMESPACE" \
    "$TEMPORAL_CLI" operator search-attribute create --address "$address" --namespace "$NAMESPACE" \
    --name CampaignId --type Keyword \
    --name AccountId --type Keyword \
    --name Kind --type Keyword
  log "namespace setup complete"
}

case "${1:-}" in
  schema) setup_schema ;;
  namespace) setup_namespace ;;
  *)
    echo "usage: $0 schema | namespace" >&2
    exit 2
    ;;
esac
