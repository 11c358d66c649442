#!/bin/sh
# t0123-web-pipeline-pg: the pipeline page (t0121) and the paged list
# routes (t0122) on a PostgreSQL database, which runs the same pages'
# statements in its own dialect (COLLATE "C", dates, no urgency-index
# walk, no kept totals), and the champion's forms on the share page
# (t0252, t0253) with their history and outbox rows. Runs against a throwaway cluster
# (tests/pg/with-cluster.sh).
set -eu
: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source tree}"
if [ -z "${TW_TEST_PG_URL:-}" ]; then
	exec "$TW_SRC/tests/pg/with-cluster.sh" "$0" "$@"
fi
PSQL=psql
[ -z "${TW_TEST_PG_BIN:-}" ] || PSQL=$TW_TEST_PG_BIN/psql

dbs=""
cleanup() {
	for d in $dbs; do
		"$PSQL" -q "$TW_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $d" \
			>/dev/null 2>&1 || true
	done
}
trap cleanup EXIT

for t in t0121-web-pipeline t0122-web-api-paging t0252-champion-acts \
	t0253-champion-refusals; do
	name=tw_pipe_$$_$(echo "$t" | cut -c2-5)
	"$PSQL" -q "$TW_TEST_PG_URL" -c "CREATE DATABASE $name" >/dev/null
	dbs="$dbs $name"
	case $TW_TEST_PG_URL in
	*\?*) url="$TW_TEST_PG_URL&dbname=$name" ;;
	*) url="$TW_TEST_PG_URL?dbname=$name" ;;
	esac
	TW_WEB_DB=$url "$TW_SRC/tests/cli/$t.sh" ||
		{ echo "FAIL: $t on PostgreSQL" >&2; exit 1; }
done
