#!/usr/bin/env bash
# The fuzz test (tests/reliability/fuzz.py) on a throwaway cluster of its own:
#   scripts/fuzz.sh [--calls N] [--seed S] [--long] [--no-install]
# --calls    calls to make (default 20000, what scripts/test.sh runs)
# --seed     the seed (default: a fresh one, printed); the same seed repeats the same calls
# --long     also run sqlsmith (Debian package) for --sqlsmith-queries random queries
# --no-install  use the pg_clv already installed (scripts/test.sh installs it first)
# Uses /usr/bin/python3, the Debian Python that python3-psycopg2 installs into.
# Fails on any backend crash, internal error, NaN/Infinity result or call over 2 s.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CALLS=20000
SEED=""
LONG=0
INSTALL=1
SQLSMITH_QUERIES=20000
while [ $# -gt 0 ]; do
    case "$1" in
        --calls) CALLS="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --long) LONG=1; shift ;;
        --sqlsmith-queries) SQLSMITH_QUERIES="$2"; shift 2 ;;
        --no-install) INSTALL=0; shift ;;
        *) die "unknown argument $1 (see the top of $0)" ;;
    esac
done
[ -n "$SEED" ] || SEED=$(( $(date +%s) % 1000000 ))

ensure_toolchain
ensure_apt_packages python3 python3-psycopg2
[ "$LONG" = 1 ] && ensure_apt_packages sqlsmith
cd "$REPO_ROOT"
[ "$INSTALL" = 1 ] && install_extension

start_scratch_database fuzz "${PG_CLV_FUZZ_PORT:-28817}" pg_clv_fuzz
# The server log keeps only what tells a crash (LOG and above: "terminated by signal", PANIC):
# every ERROR with its statement, some statements megabytes of adversarial input, wrote 34 GB
# in 200,000 calls and filled the disk.
scratch_psql -c "ALTER SYSTEM SET log_min_messages = log" -c "ALTER SYSTEM SET log_min_error_statement = panic" \
    -c "SELECT pg_reload_conf()" >/dev/null
as_cluster_owner truncate -s 0 "$DATA/server.log"  # and starts empty, not after earlier runs
# The fuzzer's valid values of every custom type, from the CDNOW sample: summaries (one-time
# and repeat buyers), fitted and hand-entered models, RFM breaks; BG/BB and sBG models from
# small published-like data.
scratch_psql >/dev/null <<'SQL'
SET client_min_messages = error;
\i sql/load_cdnow.sql
CREATE SCHEMA fuzz;
CREATE TABLE fuzz.summaries AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY customer_id;
CREATE TABLE fuzz.fixtures (type_name text, value text);
INSERT INTO fuzz.fixtures
SELECT 'clv.customer_summary', s::text FROM fuzz.summaries WHERE customer_id % 97 = 0;
INSERT INTO fuzz.fixtures
SELECT 'clv.btyd_model', m::text FROM (
    SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') FROM fuzz.summaries UNION ALL
    SELECT clv.mbgnbd_fit(s, '1997-09-30') FROM fuzz.summaries UNION ALL
    SELECT clv.pareto_nbd_fit(s, '1997-09-30', 'weeks') FROM fuzz.summaries) fits(m)
UNION ALL VALUES
    ('clv.btyd_model', '{"version": 1, "model": "bgnbd", "unit": "weeks", "params": {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}}'),
    ('clv.btyd_model', '{"version": 1, "model": "pareto_nbd", "unit": "days", "params": {"r": 0.5534, "alpha": 10.5802, "s": 0.6061, "beta": 11.6562}}'),
    ('clv.btyd_model', '{"version": 1, "model": "mbgnbd", "unit": "weeks", "params": {"r": 0.525, "alpha": 6.183, "a": 1.891, "b": 1.614}}');
-- Models with covariates: one binary covariate per process (and a constrained one).
INSERT INTO fuzz.fixtures
SELECT 'clv.btyd_model', m::text FROM (
    SELECT clv.pareto_nbd_fit(s, '1997-09-30', 'weeks', ARRAY[(customer_id % 2)::float8], ARRAY[(customer_id % 3 = 0)::int::float8]) FROM fuzz.summaries UNION ALL
    SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks', ARRAY[(customer_id % 2)::float8], '{}') FROM fuzz.summaries UNION ALL
    SELECT clv.mbgnbd_fit(s, '1997-09-30', 'weeks', ARRAY[(customer_id % 2)::float8], ARRAY[(customer_id % 2)::float8],
                          '{"trans": ["odd"], "life": ["odd"], "constrained": ["odd"], "lambda": {"trans": 0.1, "life": 0}}') FROM fuzz.summaries) fits(m);
INSERT INTO fuzz.fixtures
SELECT 'clv.spend_model', clv.gamma_gamma_fit(s, '1997-09-30', ARRAY[(customer_id % 2)::float8], '{"spend": ["odd"]}')::text FROM fuzz.summaries;
INSERT INTO fuzz.fixtures
SELECT 'clv.spend_model', clv.gamma_gamma_fit(s, '1997-09-30')::text FROM fuzz.summaries
UNION ALL VALUES
    ('clv.spend_model', '{"version": 1, "model": "gamma_gamma", "params": {"p": 6.25, "q": 3.74, "v": 15.44}}');
INSERT INTO fuzz.fixtures
SELECT 'clv.rfm_breaks', clv.rfm_breaks(s, '1998-06-30')::text FROM fuzz.summaries
UNION ALL SELECT 'clv.rfm_breaks', clv.rfm_breaks(s, '1997-03-01', 3)::text FROM fuzz.summaries;
-- Scratch tables for the functions that take tables (the summary refresh): they may write them.
CREATE SCHEMA fuzz_scratch;
CREATE TABLE fuzz_scratch.orders AS SELECT customer_id, ordered_at, amount FROM cdnow_orders WHERE customer_id <= 50;
SELECT clv.track_order_changes('fuzz_scratch.orders');
CREATE TABLE fuzz_scratch.summaries (customer_id int PRIMARY KEY, s clv.customer_summary);
CREATE TABLE fuzz_scratch.empty ();
INSERT INTO fuzz.fixtures
SELECT 'clv.bgbb_model', clv.bgbb_fit(x, t_x, 6, w)::text
FROM (VALUES (0, 0, 3464), (1, 1, 1091), (1, 6, 200), (3, 5, 150), (6, 6, 1203), (2, 4, 300)) d(x, t_x, w)
UNION ALL VALUES
    ('clv.bgbb_model', '{"version": 1, "model": "bgbb", "params": {"alpha": 1.204, "beta": 0.75, "gamma": 0.657, "delta": 2.783}}'),
    ('clv.bgbb_model', '{"version": 1, "model": "bgbb", "params": {"alpha": 0.3, "beta": 9, "gamma": 1, "delta": 0.2}}');
-- Fit states, as Citus ships them from a shard: the fit aggregates without their final step.
CREATE AGGREGATE fuzz.btyd_state(clv.customer_summary, date, text) (
    sfunc = clv.btyd_fit_add_summary_in_unit, stype = clv.fit_state, combinefunc = clv.btyd_fit_combine);
CREATE AGGREGATE fuzz.spend_state(clv.customer_summary, date) (
    sfunc = clv.gamma_gamma_add_summary, stype = clv.fit_state, combinefunc = clv.gamma_gamma_combine);
CREATE AGGREGATE fuzz.btyd_covariates_state(clv.customer_summary, date, text, float8[], float8[]) (
    sfunc = clv.btyd_fit_add_summary_covariates, stype = clv.fit_state, combinefunc = clv.btyd_covariates_fit_combine);
CREATE AGGREGATE fuzz.spend_covariates_state(clv.customer_summary, date, float8[], jsonb) (
    sfunc = clv.gamma_gamma_add_summary_covariates_options, stype = clv.fit_state, combinefunc = clv.gamma_gamma_covariates_combine);
CREATE AGGREGATE fuzz.bgbb_state(int, int, int, float8) (
    sfunc = clv.bgbb_fit_add_weighted, stype = clv.fit_state, combinefunc = clv.bgbb_fit_combine);
-- And the KPI and RFM states, which travel the same way.
CREATE AGGREGATE fuzz.repeat_state(clv.customer_summary, date) (
    sfunc = clv.repeat_purchase_rate_add, stype = clv.fit_state, combinefunc = clv.repeat_purchase_rate_combine);
CREATE AGGREGATE fuzz.churn_state(clv.customer_summary, date, date) (
    sfunc = clv.churn_rate_add_default, stype = clv.fit_state, combinefunc = clv.churn_rate_combine);
CREATE AGGREGATE fuzz.top_state(clv.customer_summary, float8) (
    sfunc = clv.revenue_share_top_add, stype = clv.fit_state, combinefunc = clv.revenue_share_top_combine);
CREATE AGGREGATE fuzz.profile_state(clv.customer_summary, date) (
    sfunc = clv.business_profile_add_year, stype = clv.fit_state, combinefunc = clv.business_profile_combine);
CREATE AGGREGATE fuzz.total_state(clv.btyd_model, clv.customer_summary, date, float8, float8) (
    sfunc = clv.expected_purchases_total_add, stype = clv.fit_state, combinefunc = clv.prediction_total_combine);
CREATE AGGREGATE fuzz.breaks_state(clv.customer_summary, date) (
    sfunc = clv.rfm_breaks_add_quintiles, stype = clv.fit_state, combinefunc = clv.rfm_breaks_combine);
INSERT INTO fuzz.fixtures
SELECT 'clv.fit_state', st::text FROM (
    SELECT fuzz.btyd_state(s, '1997-09-30', 'weeks') FROM fuzz.summaries WHERE customer_id % 7 = 0 UNION ALL
    SELECT fuzz.btyd_state(s, '1998-06-30', 'days') FROM fuzz.summaries UNION ALL
    SELECT fuzz.spend_state(s, '1998-06-30') FROM fuzz.summaries WHERE customer_id % 5 = 0 UNION ALL
    SELECT fuzz.btyd_covariates_state(s, '1997-09-30', 'weeks', ARRAY[(customer_id % 2)::float8, customer_id / 100.0], '{}') FROM fuzz.summaries WHERE customer_id % 7 = 0 UNION ALL
    SELECT fuzz.spend_covariates_state(s, '1998-06-30', ARRAY[(customer_id % 2)::float8], '{"spend": ["odd"]}') FROM fuzz.summaries WHERE customer_id % 5 = 0 UNION ALL
    SELECT fuzz.bgbb_state(x, t_x, 6, w) FROM (VALUES (0, 0, 3464), (1, 1, 1091), (6, 6, 1203), (2, 4, 0.5)) d(x, t_x, w) UNION ALL
    SELECT fuzz.repeat_state(s, '1998-06-30') FROM fuzz.summaries WHERE customer_id % 11 = 0 UNION ALL
    SELECT fuzz.churn_state(s, '1998-01-01', '1998-04-01') FROM fuzz.summaries WHERE customer_id % 11 = 0 UNION ALL
    SELECT fuzz.top_state(s, 0.1) FROM fuzz.summaries WHERE customer_id % 53 = 0 UNION ALL
    SELECT fuzz.profile_state(s, '1998-06-30') FROM fuzz.summaries WHERE customer_id % 53 = 0 UNION ALL
    SELECT fuzz.breaks_state(s, '1998-06-30') FROM fuzz.summaries WHERE customer_id % 53 = 0 UNION ALL
    SELECT fuzz.total_state(m, s, '1997-09-30', 52, 0.9)
    FROM (SELECT clv.pareto_nbd_fit(s, '1997-09-30', 'weeks') AS m FROM fuzz.summaries) fit, fuzz.summaries WHERE customer_id % 53 = 0
) states(st);
INSERT INTO fuzz.fixtures
SELECT 'clv.sbg_model', clv.sbg_fit(ARRAY[1000, 631, 468, 382, 326, 289, 262, 241])::text
UNION ALL VALUES
    ('clv.sbg_model', '{"version": 1, "model": "sbg", "params": {"alpha": 0.668, "beta": 3.806}}'),
    ('clv.sbg_model', '{"version": 1, "model": "sbg", "params": {"alpha": 2.5, "beta": 4}}');
SQL

say "Fuzzing pg_clv: $CALLS calls, seed $SEED (scripts/fuzz.sh --seed $SEED repeats them)"
/usr/bin/python3 tests/reliability/fuzz.py --dsn "$DSN" \
    --calls "$CALLS" --seed "$SEED" --server-log "$DATA/server.log"

if [ "$LONG" = 1 ]; then
    say "sqlsmith: $SQLSMITH_QUERIES random queries over the clv tables, views and models"
    scratch_psql >/dev/null <<'SQL'
SET client_min_messages = error;
CREATE TABLE customer_summaries AS SELECT * FROM fuzz.summaries;
\i sql/segments.sql
UPDATE segment_settings SET as_of = '1998-06-30';
CREATE TABLE fuzz.models AS
SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') AS purchases, clv.gamma_gamma_fit(s, '1997-09-30') AS spend
FROM fuzz.summaries;
SQL
    # sqlsmith's internal errors are found in the server log: ERRORs are logged again from here
    # (without their statements; sqlsmith's queries are short).
    scratch_psql -c "ALTER SYSTEM SET log_min_messages = error" -c "SELECT pg_reload_conf()" >/dev/null
    log_size=$(stat -c %s "$DATA/server.log")
    # sqlsmith stops after --max-queries; timeout is a second bound.
    timeout 1800 sqlsmith --target="$DSN" \
        --seed="$SEED" --max-queries="$SQLSMITH_QUERIES" --exclude-catalog >"$WORK/sqlsmith.out" 2>&1 || true
    tail -n 5 "$WORK/sqlsmith.out"
    if tail -c +"$((log_size + 1))" "$DATA/server.log" | grep -E "terminated by signal|PANIC"; then
        die "sqlsmith crashed a backend (seed $SEED; see $DATA/server.log)"
    fi
    if tail -c +"$((log_size + 1))" "$DATA/server.log" | grep -E "XX000|panicked"; then
        die "sqlsmith found an internal error (seed $SEED; see $DATA/server.log)"
    fi
    say "sqlsmith: no crash, no internal error"
fi
