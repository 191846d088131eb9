#!/usr/bin/env python3
"""statement_timeout and pg_cancel_backend stop pg_clv's longest calls.

Run by scripts/reliability.sh on a private cluster with a release build. Each call below runs
for seconds when left alone (fits on a million customers (four for Gamma-Gamma, which is
fast), a million simulated customers, a million customer values, the summaries of a million
customers); the test stops it twice: once with statement_timeout, once with pg_cancel_backend
from a second connection, and measures how long the backend took to notice.

The test fails only when a call is not stopped (it runs to its end, or fails otherwise): how
fast it stops depends on what else the machine is doing, so the time is reported, never
asserted. The 100 ms target is the benchmark's (scripts/bench.py's "cancel" section calls
`stop_times` on a quiet machine and reports each call against it).
"""

import argparse
import sys
import threading
import time

import psycopg2

STOP_AFTER_MS = 250

SETUP = """
SET client_min_messages = error;
CREATE TABLE IF NOT EXISTS cancel_customers AS
SELECT x, CASE WHEN x = 0 THEN 0 ELSE t * random() END AS t_x, t
FROM (SELECT floor(random() * 12)::float8 AS x, 20 + random() * 40 AS t
      FROM generate_series(1, 1000000)) c;
CREATE TABLE IF NOT EXISTS cancel_orders AS
SELECT * FROM clv.generate_orders(1000000, '2020-01-01', '2021-06-30', 7);
CREATE TABLE IF NOT EXISTS cancel_summaries AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM cancel_orders GROUP BY customer_id;
CREATE TABLE IF NOT EXISTS cancel_models AS
SELECT clv.bgnbd_fit(s, '2021-06-30') AS purchases, clv.gamma_gamma_fit(s, '2021-06-30') AS spend
FROM cancel_summaries WHERE customer_id <= 200000;
ANALYZE cancel_customers, cancel_orders, cancel_summaries;
"""

CALLS = {
    "pareto_nbd_fit on 1M customers": "SELECT clv.pareto_nbd_fit(x, t_x, t, 'weeks') FROM cancel_customers",
    "bgnbd_fit on 1M customers": "SELECT clv.bgnbd_fit(x, t_x, t, 'weeks') FROM cancel_customers",
    "mbgnbd_fit on 1M customers": "SELECT clv.mbgnbd_fit(x, t_x, t, 'weeks') FROM cancel_customers",
    "gamma_gamma_fit on 4M customers": "SELECT clv.gamma_gamma_fit(x + k, t * k) FROM cancel_customers, generate_series(1, 4) k",
    "customer_summary of 1M customers": "SELECT count(s) FROM (SELECT clv.customer_summary(ordered_at, amount) AS s FROM cancel_orders GROUP BY customer_id) c",
    "generate_orders of 1M customers": "SELECT count(*) FROM clv.generate_orders(1000000, '2000-01-01', '2030-01-01', 1)",
    "customer_value over 1200 months": "SELECT sum(clv.customer_value(m.purchases, m.spend, s, '2021-06-30', 1200)) FROM cancel_summaries, cancel_models m",
    "rfm_breaks of 1M customers (x3)": "SELECT clv.rfm_breaks(s, '2021-06-30', 10) FROM cancel_summaries, generate_series(1, 3)",
    "business_profile of 1M customers (x3)": "SELECT clv.business_profile(s, '2021-06-30') FROM cancel_summaries, generate_series(1, 3)",
    "revenue_share_top of 1M customers (x6)": "SELECT clv.revenue_share_top(s, 0.1) FROM cancel_summaries, generate_series(1, 6)",
    "bgbb_fit on 1M histories over 2000 opportunities": "SELECT clv.bgbb_fit(x, x + (i / 50) % (2000 - x), 2000) FROM (SELECT 1 + i % 50 AS x, i FROM generate_series(1, 1000000) i) h",
    "dert (BG/NBD quadrature) of 1M customers": "SELECT sum(clv.dert(m.purchases, s, '2021-06-30', 0.1)) FROM cancel_summaries, cancel_models m",
    "retention_periods by day": "SELECT count(*) FROM cancel_summaries, clv.retention_periods(s, 'day', '2200-01-01')",
}


def connect(dsn):
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    return conn


def run_until_stopped(conn, sql):
    """Runs sql; returns (SQLSTATE or 'finished', the time it ended)."""
    try:
        with conn.cursor() as cur:
            cur.execute("SET max_parallel_workers_per_gather = 0")
            cur.execute(sql)
        return "finished", time.monotonic()
    except psycopg2.Error as e:
        return e.pgcode, time.monotonic()


def by_timeout(dsn, sql):
    conn = connect(dsn)
    with conn.cursor() as cur:
        cur.execute(f"SET statement_timeout = {STOP_AFTER_MS}")
    started = time.monotonic()
    code, ended = run_until_stopped(conn, sql)
    conn.close()
    return code, (ended - started) * 1000 - STOP_AFTER_MS


def by_cancel(dsn, sql):
    conn = connect(dsn)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    result = {}
    worker = threading.Thread(target=lambda: result.update(zip(("code", "ended"), run_until_stopped(conn, sql))))
    worker.start()
    time.sleep(STOP_AFTER_MS / 1000)
    control = connect(dsn)
    with control.cursor() as cur:
        cancelled_at = time.monotonic()
        cur.execute("SELECT pg_cancel_backend(%s)", (pid,))
    worker.join()
    control.close()
    conn.close()
    return result["code"], (result["ended"] - cancelled_at) * 1000


def stop_times(dsn):
    """(call, how, SQLSTATE or 'finished', ms from the request to the end) for every call."""
    setup = connect(dsn)
    with setup.cursor() as cur:
        cur.execute(SETUP)
    setup.close()
    for name, sql in CALLS.items():
        for how, stop in (("statement_timeout", by_timeout), ("pg_cancel_backend", by_cancel)):
            code, late_ms = stop(dsn, sql)
            yield name, how, code, late_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", required=True)
    args = parser.parse_args()
    passed = failed = 0
    for name, how, code, late_ms in stop_times(args.dsn):
        ok = code == "57014"
        passed, failed = passed + ok, failed + (not ok)
        outcome = "stopped" if ok else f"NOT stopped ({code})"
        print(f"{'ok  ' if ok else 'FAIL'} {name:36} {how:18} {outcome} {late_ms:6.1f} ms after the request")
    print(f"cancel: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
