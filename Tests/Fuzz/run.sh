#!/usr/bin/env bash
# API fuzzing (issue 13): schemathesis against a running `accord serve` with an admin token, every check, bounded
# examples so it finishes in minutes. No 5xx, no response that breaks the OpenAPI document, no route that ignores
# authentication (`ignored_auth`), no undocumented status or content type. Runs on SQLite (a fresh demo), or on the
# PostgreSQL of DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${ACCORD_BIN:-$(swift build --show-bin-path)/accord}
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2> /dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
export ACCORD_LOG_LEVEL=warning
if [ -z "${DATABASE_URL:-}" ]; then
    export ACCORD_DB="$WORK/accord.sqlite"
else
    # A small demo of its own: the browser tests leave a full one, whose reports take minutes on a debug build.
    psql "$DATABASE_URL" -q -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public" > /dev/null
fi
"$BIN" demo --scale 0.05 > "$WORK/demo.log" 2>&1
"$BIN" serve --port "$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$PORT/health" > /dev/null 2>&1 && break; sleep 0.2; done
TOKEN=$("$BIN" token create --user admin@accord.example --name "fuzz $(date +%s)" --scope admin --scope write 2> /dev/null)
status=0
(cd Tests/Fuzz && st run "http://127.0.0.1:$PORT/openapi.json" -H "Authorization: Bearer $TOKEN" --checks all \
    --max-examples "${FUZZ_EXAMPLES:-8}" --phases examples,coverage,fuzzing --workers 2 --no-shrink \
    --request-timeout 120 --seed 42 --warnings off) > "$WORK/st.log" 2>&1 || status=$?
sed -n '/SUMMARY/,$p' "$WORK/st.log"
if [ "$status" != "0" ]; then
    echo "== schemathesis found failures (exit $status); the first ones:"
    grep -E "^_{5,}|^- ST|Invalid component|Received|Expected" "$WORK/st.log" | head -80
    grep -E "Fatal|error" "$WORK/serve.log" | head -20 || true
    sed -n '/^=* ERRORS =*$/,/^=* SUMMARY =*$/p' "$WORK/st.log" | head -60
    if [ -n "${FUZZ_KEEP_LOG:-}" ]; then cp "$WORK/st.log" "$FUZZ_KEEP_LOG"; fi
fi
exit "$status"
