#!/usr/bin/env bash
# Probes the whole JSON API with schemathesis: every operation, all checks, a fixed seed and a bounded
# number of examples. Fails on any finding (5xx, a body or status the OpenAPI document does not describe…).
# Usage: .ci/schemathesis.sh [path/to/toguna]   (default: the debug build, brought up to date)
# SCHEMATHESIS_MAX_EXAMPLES (default 50) and SCHEMATHESIS_SEED bound and fix the run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${1:-}" ]; then
  BIN="$1"
else
  cargo build --quiet --bin toguna
  BIN=target/debug/toguna
fi
EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-50}"
SEED="${SCHEMATHESIS_SEED:-20261201}"

if ! command -v schemathesis >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check schemathesis \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages schemathesis
fi

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export TOGUNA_DATA_DIR="$WORK/data" DATABASE_URL="sqlite://$WORK/data/toguna.db?mode=rwc"
export TOGUNA_BIND="127.0.0.1:$PORT" TOGUNA_BASE_URL="$BASE" RUST_LOG="${RUST_LOG:-warn}"
unset TOGUNA_SMTP_URL

"$BIN" migrate >/dev/null
echo 'schemathesis probe password' | "$BIN" user add --email probe@example.org --name Probe --role admin >/dev/null
TOKEN="$("$BIN" token add --email probe@example.org --name schemathesis)"

"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 60); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$BASE/healthz" >/dev/null

# A little data, so that ids 1 exist and the probes reach past the 404s.
api() { curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@" >/dev/null; }
api -d '{"name":"Centre Djoliba","region":"Kayes","town":"Kayes","address":"Quartier Plateau","capacity":200}' "$BASE/api/v1/venues"
api -d '{"full_name":"Aïssata Guindo","organization":"CAFO","category":"women_organization","gender":"female","age_group":"adult","region":"Kayes","town":"Kayes","language":"fr","email":"aissata@example.org","consent_contact":true}' "$BASE/api/v1/actors"
api -d '{"title":"Rapport préliminaire","language":"fr"}' "$BASE/api/v1/reports"
api -d '{"heading":"Contexte","body":"Texte.","kind":"context"}' "$BASE/api/v1/reports/1/sections"
api -d '{"kind":"dissemination_workshop","title":"Restitution à Kayes","description":"Atelier","report_id":1,"venue_id":1,"starts_at":"2027-03-10T09:00:00+00:00","ends_at":"2027-03-10T17:00:00+00:00","timezone":"Africa/Bamako","language":"fr","capacity":120}' "$BASE/api/v1/events"
api -d '{"actor_ids":[1]}' "$BASE/api/v1/events/1/invitations"
api -d '{"body":"Les femmes demandent des patrouilles mixtes.","topic":"Confiance"}' "$BASE/api/v1/events/1/notes"
api -d '{"label":"Version 1"}' "$BASE/api/v1/reports/1/versions"

schemathesis --version
status=0
# schemathesis keeps a cache folder where it runs: not in the repository.
CONFIG="$PWD/.ci/schemathesis.toml"
(cd "$WORK" && schemathesis --no-color --config-file "$CONFIG" run "$BASE/api/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks all \
  --max-examples "$EXAMPLES" \
  --seed "$SEED" \
  --workers 2 \
  --generation-database none \
  --report ndjson --report-dir "${SCHEMATHESIS_REPORT_DIR:-$WORK/report}") || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis found problems; the server's log ends with:"
  tail -n 40 "$WORK/server.log"
fi
exit "$status"
