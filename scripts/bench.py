"""pg_clv benchmark: every figure is a median of several runs, every comparison a ratio
measured in the same run. Driven by scripts/bench.sh, which builds, installs and starts
the cluster; this file only talks to it through psql.

    scripts/bench.sh                  # default scale: 1,000,000 customers, ~10M orders
    scripts/bench.sh --scale 100000   # quick run
"""
import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys

PSQL = "/usr/lib/postgresql/15/bin/psql"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Database:
    def __init__(self, host, port, dbname):
        self.base = [PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", str(port), "-U", "postgres"]
        self.dbname = dbname

    def run(self, sql, dbname=None):
        out = subprocess.run(
            self.base + ["-d", dbname or self.dbname], input=sql, text=True, capture_output=True
        )
        if out.returncode != 0:
            sys.exit(f"psql failed: {out.stderr}\n--- SQL ---\n{sql}")
        return out.stdout.strip()

    def execution_ms(self, settings, query):
        """Server-side execution time of one run (EXPLAIN ANALYZE: every row is computed,
        none is sent to the client)."""
        plan = self.run(f"{settings}\nEXPLAIN (ANALYZE, TIMING OFF) {query};")
        return float(re.search(r"Execution Time: ([0-9.]+) ms", plan).group(1))

    def median_ms(self, settings, query, runs):
        return statistics.median(self.execution_ms(settings, query) for _ in range(runs))


SERIAL = "SET work_mem = '2GB'; SET jit = off; SET max_parallel_workers_per_gather = 0;"

# The same numbers three ways (see docs/performance.md for what each computes).
SUMMARY_QUERIES = {
    "pg_clv": "SELECT customer_id, clv.customer_summary(ordered_at, amount) FROM orders GROUP BY customer_id",
    "plain SQL": """
        SELECT customer_id, sum(orders) AS orders, count(*) AS purchase_days, count(*) - 1 AS frequency,
               min(day) AS first_order, max(day) AS last_order, sum(spend) AS total_spend,
               (sum(spend) - (array_agg(spend ORDER BY day))[1]) / nullif(count(*) - 1, 0) AS repeat_spend_mean,
               (array_agg(spend ORDER BY day DESC))[1] AS last_order_amount
        FROM (SELECT customer_id, (ordered_at AT TIME ZONE 'UTC')::date AS day, count(*) AS orders, sum(amount) AS spend
              FROM orders GROUP BY 1, 2) days
        GROUP BY customer_id""",
    "floor": "SELECT customer_id, count(*), min(ordered_at), max(ordered_at), sum(amount) FROM orders GROUP BY customer_id",
}


def ensure_orders(db, customers):
    """orders(customer_id, ordered_at timestamptz, amount numeric(12,2)): `customers`
    customers with 10 orders each on average over two years, in random row order.
    Deterministic (hashes of the row number); rebuilt only when the scale changes."""
    exists = db.run("SELECT obj_description(oid, 'pg_class') FROM pg_class WHERE relname = 'orders' AND relnamespace = 'public'::regnamespace")
    if exists == f"customers={customers}":
        return
    print(f"generating {customers * 10:,} orders of {customers:,} customers ...", flush=True)
    db.run(f"""
        DROP TABLE IF EXISTS orders;
        CREATE TABLE orders AS
        SELECT (abs(hashint8(i)) % {customers}) + 1 AS customer_id,
               TIMESTAMPTZ '2022-01-01 00:00+00' + (abs(hashint8(i * 7)) % (730 * 86400)) * interval '1 second' AS ordered_at,
               ((abs(hashint8(i * 13)) % 20000) / 100.0)::numeric(12,2) AS amount
        FROM generate_series(1, {customers * 10}) i;
        VACUUM ANALYZE orders;
        COMMENT ON TABLE orders IS 'customers={customers}';
    """)


def bench_summaries(db, runs):
    times = {name: db.median_ms(SERIAL, query, runs) for name, query in SUMMARY_QUERIES.items()}
    rows = [(name, f"{ms / 1000:.2f} s", f"{ms / times['pg_clv']:.2f}x") for name, ms in times.items()]
    verdict = (
        f"pg_clv is {times['plain SQL'] / times['pg_clv']:.1f}x faster than the plain SQL and takes "
        f"{times['pg_clv'] / times['floor']:.2f}x the time of the bare floor "
        f"(targets: faster than the plain SQL, at most 1.5x the floor)."
    )
    return "Per-customer summaries (serial)", ["query", "median time", "vs pg_clv"], rows, verdict


def machine_description(db):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as f:
        mem_gb = int(next(line for line in f if line.startswith("MemTotal")).split()[1]) / 1024 / 1024
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return [
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB RAM, {platform.system()} {platform.release()}",
        f"- PostgreSQL: {db.run('SHOW server_version')}; pg_clv {db.run('SELECT extversion FROM pg_extension WHERE extname = $$pg_clv$$')} (commit {commit}), {rustc}",
    ]


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scale", type=int, default=1_000_000, help="number of customers (orders: 10x)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--output", default=os.path.join(REPO, "docs", "performance.md"))
    args = parser.parse_args()

    db = Database(args.host, args.port, "pg_clv_bench")
    if db.run("SELECT 1 FROM pg_database WHERE datname = 'pg_clv_bench'", dbname="postgres") != "1":
        db.run("CREATE DATABASE pg_clv_bench", dbname="postgres")
    db.run("DROP EXTENSION IF EXISTS pg_clv CASCADE; CREATE EXTENSION pg_clv;")
    ensure_orders(db, args.scale)

    sections = [bench_summaries(db, args.runs)]

    out = ["# Performance", "", "Measured by `scripts/bench.sh` "
           f"(scale: {args.scale:,} customers, {args.scale * 10:,} orders; median of {args.runs} runs; "
           "server-side execution time from `EXPLAIN (ANALYZE, TIMING OFF)`; `work_mem = 2GB`, `jit = off`).", ""]
    out += machine_description(db)
    for title, header, rows, verdict in sections:
        out += ["", f"## {title}", ""] + markdown_table(header, rows) + ["", verdict]
    text = "\n".join(out) + "\n"
    print(text)
    with open(args.output, "w") as f:
        f.write(text)
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
