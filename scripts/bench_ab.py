"""A/B benchmark: the build being tested (B, the installed extension) against another commit
(A), in one run on one cluster, each query timed on A and B in turn so that whatever else the
machine does weighs on both alike. A's library is installed beside B's under another name and
its install script run as plain SQL in a database of its own (scripts/bench.sh --ab prepares
both). Prints a Markdown table of medians and B/A ratios.

    scripts/bench.sh --ab REV [--scale CUSTOMERS] [--runs N]
"""
import argparse
import statistics

from bench import AS_OF, PURCHASES, SERIAL, SPEND, SUMMARY_QUERIES, Database, bench_scoring_setup, ensure_data, fit_query

# What the A/B compares: the summary aggregate, the fits, scoring, the KPI and RFM aggregates.
QUERIES = {
    "summaries (customer_summary)": SUMMARY_QUERIES["pg_clv"],
    "fit BG/NBD": fit_query("bgnbd"),
    "fit Pareto/NBD": fit_query("pareto_nbd"),
    "fit Gamma-Gamma": fit_query("gamma_gamma"),
    "p_alive": f"SELECT customer_id, clv.p_alive({PURCHASES}, s, '{AS_OF}') FROM summaries",
    "expected purchases (90 days)": f"SELECT customer_id, clv.expected_purchases({PURCHASES}, s, '{AS_OF}', 90) FROM summaries",
    "customer value (12 months)": f"SELECT customer_id, clv.customer_value({PURCHASES}, {SPEND}, s, '{AS_OF}') FROM summaries",
    "rfm_breaks": f"SELECT clv.rfm_breaks(s, '{AS_OF}') FROM summaries",
    "business_profile": f"SELECT clv.business_profile(s, '{AS_OF}') FROM summaries",
    "revenue_share_top": "SELECT clv.revenue_share_top(s, 0.1) FROM summaries",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--old-script", required=True, help="A's install script, MODULE_PATHNAME replaced")
    parser.add_argument("--old-name", required=True, help="what A is (a commit)")
    parser.add_argument("--scale", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    new = Database(args.host, args.port, "pg_clv_ab_new")
    old = Database(args.host, args.port, "pg_clv_ab_old")
    for db, create in ((new, "CREATE EXTENSION pg_clv;"), (old, "CREATE SCHEMA clv;")):
        db.run(f"DROP DATABASE IF EXISTS {db.dbname} WITH (FORCE); CREATE DATABASE {db.dbname};", dbname="postgres")
        db.run(create)
    with open(args.old_script) as f:
        old.run("SET search_path = clv, pg_temp;\n" + f.read())
    for db in (new, old):
        ensure_data(db, args.scale)
        bench_scoring_setup(db)

    rows, worst = [], 0.0
    for name, query in QUERIES.items():
        times = {"A": [], "B": []}
        for _ in range(args.runs):
            times["A"].append(old.execution_ms(SERIAL, query))
            times["B"].append(new.execution_ms(SERIAL, query))
        a, b = statistics.median(times["A"]), statistics.median(times["B"])
        worst = max(worst, b / a)
        rows.append(f"| {name} | {a:.1f} ms | {b:.1f} ms | {b / a:.2f} |")
    customers = new.count("summaries")
    print(f"\n{customers:,} customers; serial; medians of {args.runs} runs, A and B in turn; "
          f"A = {args.old_name}, B = this build\n")
    print("| query | A | B | B / A |")
    print("|---|---:|---:|---:|")
    print("\n".join(rows))
    print(f"\nSlowest ratio B / A: {worst:.2f}")


if __name__ == "__main__":
    main()
