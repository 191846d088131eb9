#!/usr/bin/env python3
"""One node against Citus (a coordinator and two workers, scripts/citus.sh) on the same simulated
customers, side by side in one run: build the summaries, fit, score; the models must be equal.
For the fit it measures what matters at scale: the bytes the coordinator receives from the shards
(EXPLAIN ANALYZE's "Tuple data received from nodes") against shipping every customer's summary,
and the coordinator backend's peak memory (VmHWM). Prints a Markdown table for docs/scaling.md.

    scripts/bench.sh --citus [--scale CUSTOMERS]   (runs this with both clusters started)
"""
import argparse
import re
import statistics
import time

import psycopg2

# The simulation and the dates of the one-node benchmark, so that the figures compare.
from bench import ACQUISITION_END, AS_OF, END, POPULATION, START


class Node:
    def __init__(self, name, dsn):
        self.name = name
        self.conn = psycopg2.connect(dsn)
        self.conn.autocommit = True

    def run(self, sql):
        with self.conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else None

    def one(self, sql):
        return self.run(sql)[0][0]

    def timed(self, sql, runs):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            self.run(sql)
            times.append(time.perf_counter() - t)
        return statistics.median(times)


def load(node, customers, distributed):
    node.run("SET client_min_messages = warning; SET work_mem = '1GB'")
    if node.one("SELECT obj_description(to_regclass('bench_orders'), 'pg_class')") == f"customers={customers}":
        return
    print(f"{node.name}: simulating the orders of {customers:,} customers ...", flush=True)
    node.run("SET client_min_messages = warning; SET work_mem = '1GB'")
    node.run("DROP TABLE IF EXISTS bench_orders, bench_summaries CASCADE")
    node.run("CREATE TABLE bench_orders (customer_id bigint, ordered_at date, amount numeric(12,2))")
    node.run("CREATE TABLE bench_summaries (customer_id bigint PRIMARY KEY, s clv.customer_summary NOT NULL)")
    if distributed:
        node.run("SET citus.shard_count = 32")
        node.run("SELECT create_distributed_table('bench_orders', 'customer_id')")
        node.run("SELECT create_distributed_table('bench_summaries', 'customer_id', colocate_with => 'bench_orders')")
    node.run(f"""INSERT INTO bench_orders
                 SELECT customer_id, ordered_at, amount FROM clv.generate_orders({customers}, '{START}', '{END}',
                     seed => 2026, {POPULATION}, acquisition_end => '{ACQUISITION_END}')""")
    node.run("ANALYZE bench_orders")
    node.run(f"COMMENT ON TABLE bench_orders IS 'customers={customers}'")


def measure(node, runs, distributed):
    out = {}
    node.run("SET max_parallel_workers_per_gather = 0; SET jit = off")
    out["summaries"] = node.timed("""TRUNCATE bench_summaries; INSERT INTO bench_summaries
        SELECT customer_id, clv.customer_summary(ordered_at, amount) FROM bench_orders GROUP BY customer_id""", 1)
    node.run("VACUUM ANALYZE bench_summaries")
    fit = f"SELECT clv.bgnbd_fit(s, '{AS_OF}') FROM bench_summaries"
    out["fit"] = node.timed(fit, runs)
    out["model"] = node.one(f"SELECT clv.bgnbd_fit(s, '{AS_OF}')::text FROM bench_summaries")
    out["spend"] = node.one(f"SELECT clv.gamma_gamma_fit(s, '{AS_OF}')::text FROM bench_summaries")
    node.run("DROP TABLE IF EXISTS bench_models")
    node.run(f"CREATE TABLE bench_models AS SELECT clv.bgnbd_fit(s, '{AS_OF}') AS m FROM bench_summaries")
    if distributed:
        node.run("SELECT create_reference_table('bench_models')")
    # Statistics matter on Citus: without them a shard's planner guesses 1,360 model rows, the
    # estimate crosses jit_above_cost, and every shard query pays a JIT compile (docs/scaling.md).
    node.run("ANALYZE bench_models")
    out["score"] = node.timed(f"""SELECT count(*) FILTER (WHERE clv.p_alive(m.m, c.s, '{AS_OF}') > 0.5)
                                  FROM bench_summaries c CROSS JOIN bench_models m""", runs)
    return out


def partial_state_bytes(node, aggregate, arguments):
    """The bytes of the partial states (`clv.fit_state`'s text, which Citus ships) that the
    shards send the coordinator for `aggregate` (a regprocedure) over `arguments` (a row)."""
    return float(node.one(f"""SELECT sum(result::bigint) FROM run_command_on_shards('bench_summaries',
        $$SELECT octet_length(worker_partial_agg('{aggregate}'::regprocedure, {arguments})::text) FROM %s$$)"""))


# Two binary covariates of a customer, from their id.
COVARIATES = "ARRAY[(hashint8(customer_id) & 1)::float8, ((hashint8(customer_id) >> 1) & 1)::float8]"

# The KPI and RFM aggregates over every customer, with their regprocedure and the arguments
# Citus passes worker_partial_agg (docs/scaling.md lists the bytes each ships).
KPIS = {
    "rfm_breaks": ("clv.rfm_breaks(clv.customer_summary,date)", f"ROW(s, '{AS_OF}'::date)",
                   f"clv.rfm_breaks(s, '{AS_OF}')"),
    "business_profile": ("clv.business_profile(clv.customer_summary,date)", f"ROW(s, '{AS_OF}'::date)",
                         f"clv.business_profile(s, '{AS_OF}')"),
    "revenue_share_top": ("clv.revenue_share_top(clv.customer_summary,float8)", "ROW(s, 0.1::float8)",
                          "clv.revenue_share_top(s, 0.1)"),
    "repeat_purchase_rate": ("clv.repeat_purchase_rate(clv.customer_summary,date)", f"ROW(s, '{AS_OF}'::date)",
                             f"clv.repeat_purchase_rate(s, '{AS_OF}')"),
    "churn_rate": ("clv.churn_rate(clv.customer_summary,date,date)", "ROW(s, '2023-07-01'::date, '2024-01-01'::date)",
                   "clv.churn_rate(s, '2023-07-01', '2024-01-01')"),
    # A fit with two binary covariates (docs/models/covariates.md): each shard sends its
    # distinct covariate vectors and its patterns per vector.
    "`clv.pareto_nbd_fit` with two binary covariates": (
        "clv.pareto_nbd_fit(clv.customer_summary,date,text,float8[],float8[])",
        f"ROW(s, '{AS_OF}'::date, 'days'::text, {COVARIATES}, {COVARIATES})",
        f"clv.pareto_nbd_fit(s, '{AS_OF}', 'days', {COVARIATES}, {COVARIATES})"),
}


def received_bytes(node, sql):
    """The bytes the coordinator received from the shards for `sql`, as Citus' EXPLAIN ANALYZE says."""
    plan = "\n".join(r[0] for r in node.run("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql))
    m = re.search(r"Tuple data received from nodes: ([\d.]+) (bytes|kB|MB|GB)", plan)
    return float(m.group(1)) * {"bytes": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}[m.group(2)]


def peak_memory_kb(node, sql):
    """The coordinator backend's peak resident memory (VmHWM) after `sql`, in a fresh session."""
    fresh = Node(node.name, node.conn.dsn)
    pid = fresh.one("SELECT pg_backend_pid()")
    fresh.run(sql)
    with open(f"/proc/{pid}/status") as f:
        peak = int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))
    fresh.conn.close()
    return peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--single", required=True, help="DSN of the one-node database (pg_clv installed)")
    parser.add_argument("--citus", required=True, help="DSN of the coordinator's database")
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    single, citus = Node("one node", args.single), Node("Citus", args.citus)
    load(single, args.scale, distributed=False)
    load(citus, args.scale, distributed=True)
    a, b = measure(single, args.runs, False), measure(citus, args.runs, True)
    if a["model"] != b["model"] or a["spend"] != b["spend"]:
        raise SystemExit(f"the models differ:\n{a['model']}\n{b['model']}\n{a['spend']}\n{b['spend']}")
    # Every customer's summary and score, compared as a digest.
    every_customer = f"""SELECT md5(string_agg(md5(c.s::text || clv.p_alive(m.m, c.s, '{AS_OF}')::text), '' ORDER BY c.customer_id))
                         FROM bench_summaries c CROSS JOIN bench_models m"""
    if single.one(every_customer) != citus.one(every_customer):
        raise SystemExit("the summaries or scores differ between one node and Citus")
    fit = f"SELECT clv.bgnbd_fit(s, '{AS_OF}') FROM bench_summaries"
    fit_bytes = partial_state_bytes(citus, "clv.bgnbd_fit(clv.customer_summary,date)", f"ROW(s, '{AS_OF}'::date)")
    kpis = {}
    for name, (aggregate, arguments, call) in KPIS.items():
        answer = f"SELECT ({call})::text FROM bench_summaries"
        if single.one(answer) != citus.one(answer):
            raise SystemExit(f"{name} differs between one node and Citus")
        plan = "\n".join(r[0] for r in citus.run(f"EXPLAIN (VERBOSE, COSTS OFF) {answer}"))
        if "worker_partial_agg" not in plan:
            raise SystemExit(f"{name} is not pushed down to the workers:\n{plan}")
        kpis[name] = partial_state_bytes(citus, aggregate, arguments)
    rows_bytes = received_bytes(citus, "SELECT s FROM bench_summaries")
    shards = citus.one("SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'bench_summaries'::regclass")
    patterns = citus.one(f"SELECT (clv.bgnbd_fit(s, '{AS_OF}')::text::jsonb ->> 'patterns')::int FROM bench_summaries")
    peak_fit = peak_memory_kb(citus, fit)
    peak_idle = peak_memory_kb(citus, "SELECT 1")

    customers = single.one("SELECT count(*) FROM bench_summaries")
    print(f"\n{customers:,} customers, {single.one('SELECT count(*) FROM bench_orders'):,} orders; "
          f"Citus: coordinator + 2 workers on this machine's 2 cores, {shards} shards\n")
    print("| step | one node | Citus | Citus / one node |")
    print("|---|---:|---:|---:|")
    for key, label in [("summaries", "build the summaries (INSERT ... SELECT ... GROUP BY customer_id)"),
                       ("fit", "fit BG/NBD on the summaries"),
                       ("score", "score every customer (P(alive), models in a reference table)")]:
        print(f"| {label} | {a[key]:.2f} s | {b[key]:.2f} s | {b[key] / a[key]:.2f} |")
    print(f"\nEvery customer's summary and P(alive) are equal on both (a digest of their text forms). "
          f"Fit: the models are equal (text form, byte for byte). The coordinator received "
          f"{fit_bytes / 1024 ** 2:.2f} MB from the {shards} shards ({fit_bytes / customers:.2f} bytes per customer; "
          f"{patterns:,} distinct patterns after merging), against {rows_bytes / 1024 ** 2:.1f} MB for every "
          f"customer's summary; the coordinator backend's peak memory was {peak_fit / 1024:.0f} MB "
          f"({(peak_fit - peak_idle) / 1024:.0f} MB above an idle session's).")
    print("\nKPI and RFM aggregates and a fit with covariates, combined on the workers (`worker_partial_agg` in the "
          "plan; each answer equal to one node's):\n")
    print("| aggregate | the coordinator received | per customer |")
    print("|---|---:|---:|")
    for name, sent in kpis.items():
        size = f"{sent / 1024 ** 2:.2f} MB" if sent >= 1024 ** 2 else f"{sent:,.0f} bytes"
        label = name if name.startswith("`") else f"`clv.{name}`"
        print(f"| {label} | {size} | {sent / customers:.2f} bytes |")
    print(f"| (every customer's summary, 0.2.0) | {rows_bytes / 1024 ** 2:.1f} MB | {rows_bytes / customers:.0f} bytes |")


if __name__ == "__main__":
    main()
