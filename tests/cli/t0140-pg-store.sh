#!/bin/sh
# t0140-pg-store: the store suite (unit/test-store) once more, against
# PostgreSQL, so both backends pass the same checks: every test in a fresh
# database of a throwaway cluster that tests/pg/with-cluster.sh starts and
# stops (TW_TEST_PG_URL, when set, names a server to use instead).
set -eu

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source tree}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
if [ -z "${TW_TEST_PG_URL:-}" ]; then
	exec "$TW_SRC/tests/pg/with-cluster.sh" "$0" "$@"
fi

# The unit tests are built next to techwin.
suite=$(dirname "$TECHWIN")/test-store
[ -x "$suite" ] || { echo "FAIL: no store suite at $suite" >&2; exit 1; }
# unit/test-store runs the SQLite half already.
TW_TEST_SQLITE=0 exec "$suite"
