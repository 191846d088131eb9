"""Property test of incremental summary refresh (docs/refresh.md): random sequences of order
inserts, updates, deletes and the odd TRUNCATE, each batch committed and followed by
clv.refresh_summaries; after every refresh the stored summaries must be byte-identical
(binary send form) to a full rebuild from the orders.

    python3 tests/refresh/property.py --dsn "host=... port=... dbname=..." [--sequences 200] [--seed 1]
"""
import argparse
import datetime
import random
import sys

import psycopg2

SETUP = """
DROP SCHEMA IF EXISTS refresh_property CASCADE;
CREATE SCHEMA refresh_property;
CREATE TABLE refresh_property.orders (customer_id int NOT NULL, ordered_at timestamptz NOT NULL, amount numeric(12,2) NOT NULL);
SELECT clv.track_order_changes('refresh_property.orders');
CREATE TABLE refresh_property.summaries (customer_id int PRIMARY KEY, s clv.customer_summary NOT NULL);
"""
START = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
TABLES = "'refresh_property.orders', 'refresh_property.summaries', 'refresh_property.orders_clv_changes'"

# Stored summaries that differ from a rebuild, in the binary form both would be stored in.
DIFFERENCES = """
WITH stored AS (SELECT customer_id, clv.customer_summary_send(s) AS bytes FROM refresh_property.summaries),
     rebuilt AS (SELECT customer_id, clv.customer_summary_send(clv.customer_summary(ordered_at, amount)) AS bytes
                 FROM refresh_property.orders GROUP BY customer_id)
SELECT count(*) FROM stored FULL JOIN rebuilt USING (customer_id)
WHERE stored.bytes IS DISTINCT FROM rebuilt.bytes
"""


def random_order(rng, customers):
    """A customer, a time within two months (several orders may share a day), an amount
    (refunds and zero included)."""
    ordered_at = START + datetime.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
    amount = round(rng.choice([rng.uniform(-50, 0), rng.uniform(0, 500), 0.0]), 2)
    return (rng.randint(1, customers), ordered_at, amount)


def insert(cur, rng, customers, n):
    rows = [random_order(rng, customers) for _ in range(n)]
    if rows:
        values = ", ".join(cur.mogrify("(%s, %s, %s)", row).decode() for row in rows)
        cur.execute(f"INSERT INTO refresh_property.orders VALUES {values}")


def batch(cur, rng, customers):
    """A few random statements, as a day of a shop: mostly inserts, some corrections."""
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        if op < 0.55:
            insert(cur, rng, customers, rng.randint(1, 12))
        elif op < 0.75:
            cur.execute("UPDATE refresh_property.orders SET amount = amount * -1 WHERE ctid IN "
                        "(SELECT ctid FROM refresh_property.orders ORDER BY random() LIMIT %s)", (rng.randint(1, 3),))
        elif op < 0.85:
            cur.execute("UPDATE refresh_property.orders SET customer_id = %s, ordered_at = ordered_at + interval '1 day' "
                        "WHERE ctid IN (SELECT ctid FROM refresh_property.orders ORDER BY random() LIMIT 1)",
                        (rng.randint(1, customers),))
        elif op < 0.98:
            cur.execute("DELETE FROM refresh_property.orders WHERE ctid IN "
                        "(SELECT ctid FROM refresh_property.orders ORDER BY random() LIMIT %s)", (rng.randint(1, 4),))
        else:
            cur.execute("TRUNCATE refresh_property.orders")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--sequences", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    conn = psycopg2.connect(args.dsn)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT setseed(%s)", (rng.random(),))
    refreshes, counts = 0, [0, 0, 0]
    for sequence in range(args.sequences):
        cur.execute(SETUP)
        customers = rng.choice([3, 10, 40])
        insert(cur, rng, customers, rng.randint(0, 60))
        cur.execute(f"SELECT clv.rebuild_summaries({TABLES})")
        for step in range(rng.randint(3, 10)):
            batch(cur, rng, customers)
            cur.execute(f"SELECT * FROM clv.refresh_summaries({TABLES})")
            appended, recomputed, removed = cur.fetchone()
            counts = [c + (v or 0) for c, v in zip(counts, (appended, recomputed, removed))]
            refreshes += 1
            cur.execute(DIFFERENCES)
            differences = cur.fetchone()[0]
            if differences:
                sys.exit(f"refresh property: sequence {sequence} step {step} (seed {args.seed}): "
                         f"{differences} customers differ from a full rebuild")
    cur.execute("DROP SCHEMA refresh_property CASCADE")
    print(f"refresh property: {args.sequences} sequences, {refreshes} refreshes equal to a full rebuild "
          f"(customers appended to {counts[0]}, recomputed {counts[1]}, removed {counts[2]}; seed {args.seed})")


if __name__ == "__main__":
    main()
