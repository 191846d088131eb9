#!/usr/bin/env bash
# Reliability checks that need a release build, on a throwaway cluster:
#   scripts/reliability.sh [--load-seconds N] [--no-install]
# 1. tests/reliability/cancel.py: statement_timeout and pg_cancel_backend stop the longest
#    calls (fits on 1M customers, ...); fails if one is not stopped and reports how fast each
#    stopped (the 100 ms target is the benchmark's: a busy machine must not fail a correct build).
# 2. pgbench, 16 clients for --load-seconds (default 60) on 100k simulated customers, a mix
#    of scoring, segment and small fit queries (tests/reliability/load.sql): no error, and
#    no backend's memory grows after warm-up.
# Results go to stdout; docs/reliability.md quotes the last run.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOAD_SECONDS=60
INSTALL=1
while [ $# -gt 0 ]; do
    case "$1" in
        --load-seconds) LOAD_SECONDS="$2"; shift 2 ;;
        --no-install) INSTALL=0; shift ;;
        *) die "unknown argument $1 (see the top of $0)" ;;
    esac
done

ensure_toolchain
ensure_apt_packages python3 python3-psycopg2
cd "$REPO_ROOT"
[ "$INSTALL" = 1 ] && install_extension --release

start_scratch_database reliability "${PG_CLV_RELIABILITY_PORT:-28818}" pg_clv_reliability

say "Cancelling the longest calls (statement_timeout and pg_cancel_backend)"
/usr/bin/python3 tests/reliability/cancel.py --dsn "$DSN"

say "Load: pgbench, 16 clients, ${LOAD_SECONDS} s, 100k simulated customers"
scratch_psql >/dev/null <<'SQL'
SET client_min_messages = error;
CREATE TABLE load_orders AS SELECT * FROM clv.generate_orders(100000, '2022-01-01', '2024-06-30', 42);
CREATE TABLE load_summaries AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM load_orders GROUP BY customer_id;
ALTER TABLE load_summaries ADD PRIMARY KEY (customer_id);
CREATE TABLE load_models AS
SELECT clv.bgnbd_fit(s, '2024-06-30') AS purchases, clv.pareto_nbd_fit(s, '2024-06-30') AS pareto,
       clv.gamma_gamma_fit(s, '2024-06-30') AS spend, clv.rfm_breaks(s, '2024-06-30') AS breaks
FROM load_summaries;
ANALYZE load_orders, load_summaries, load_models;
SQL
# Backends' private memory (RSS minus shared pages) after warm-up and at the end, per pid.
backend_memory() {
    scratch_psql -At -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench'" |
        while read -r pid; do
            awk -v pid="$pid" '/^RssAnon:/ {print pid, $2}' "/proc/$pid/status" 2>/dev/null
        done | sort
}
LOG="$WORK/pgbench.log"
rm -f "$WORK"/tx.*
as_cluster_owner "$PG_BIN/pgbench" -n -h "$DATA" -p "$PORT" -U postgres -c 16 -j 2 -T "$LOAD_SECONDS" \
    -P 10 -l --log-prefix="$WORK/tx" -f tests/reliability/load.sql "$SCRATCH_DB" >"$LOG" 2>&1 &
bench=$!
sleep $((LOAD_SECONDS / 4))
backend_memory >"$WORK/memory.warm"
sleep $((LOAD_SECONDS / 2))
backend_memory >"$WORK/memory.late"
wait $bench || { cat "$LOG"; die "pgbench failed"; }
grep -E "^(number of (transactions|failed)|latency average|tps)" "$LOG"
# The transaction log's third column is the latency in microseconds.
p99=$(cat "$WORK"/tx.* | awk '{print $3}' | sort -n | awk '{v[NR] = $1} END {print v[int(NR * 0.99)] / 1000}')
say "p99 latency: ${p99} ms"
growth=$(join "$WORK/memory.warm" "$WORK/memory.late" | awk '{d = $3 - $2; if (d > max) max = d} END {print max + 0}')
say "Largest growth of one backend's private memory from warm-up to the end: ${growth} kB"
[ "$growth" -le 8192 ] || die "a backend's memory grew by ${growth} kB after warm-up (leak?)"
grep -q "number of failed transactions: 0 " "$LOG" || die "pgbench reported failed transactions"
