"""Property test of incremental summary refresh (docs/refresh.md): random sequences of order
inserts, updates, deletes and the odd TRUNCATE, each batch committed and followed by
clv.refresh_summaries; after every refresh the stored summaries must be byte-identical
(binary send form) to a full rebuild from the orders. Then the same with writers and
overlapping refreshes at once (a manual refresh while the nightly job runs): every statement
succeeds (no deadlock) and, after a last refresh, the summaries still equal a rebuild.

    python3 tests/refresh/property.py --dsn "host=... port=... dbname=..." [--sequences 200] [--seed 1]
"""
import argparse
import datetime
import random
import sys
import threading

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


def batch(cur, rng, customers, rows=(3, 1, 4)):
    """A few random statements, as a day of a shop: mostly inserts, some corrections of up to
    `rows` (updated, moved, deleted) rows."""
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        if op < 0.55:
            insert(cur, rng, customers, rng.randint(1, 12))
        elif op < 0.75:
            cur.execute("UPDATE refresh_property.orders SET amount = amount * -1 WHERE ctid IN "
                        "(SELECT ctid FROM refresh_property.orders ORDER BY random() LIMIT %s)", (rng.randint(1, rows[0]),))
        elif op < 0.85:
            cur.execute("UPDATE refresh_property.orders SET customer_id = %s, ordered_at = ordered_at + interval '1 day' "
                        "WHERE ctid IN (SELECT ctid FROM refresh_property.orders ORDER BY random() LIMIT %s)",
                        (rng.randint(1, customers), rows[1]))
        elif op < 0.98:
            cur.execute("DELETE FROM refresh_property.orders WHERE ctid IN "
                        "(SELECT ctid FROM refresh_property.orders ORDER BY random() LIMIT %s)", (rng.randint(1, rows[2]),))
        else:
            cur.execute("TRUNCATE refresh_property.orders")


def concurrent(dsn, seed, writers=4, refreshers=3, batches=60, refreshes=40):
    """Writers committing batches and refreshers refreshing the same summaries, all at once;
    returns (refreshes run, errors). Counts of work, not durations: a slow machine runs the
    same test, only longer."""
    setup = psycopg2.connect(dsn)
    setup.autocommit = True
    with setup.cursor() as cur:
        cur.execute(SETUP)
        insert(cur, random.Random(seed), 40, 60)
        cur.execute(f"SELECT clv.rebuild_summaries({TABLES})")
    errors, done = [], [0]

    def work(index, body):
        rng = random.Random(seed * 100 + index)
        conn = psycopg2.connect(dsn)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                body(cur, rng)
        except psycopg2.Error as e:
            errors.append(f"{e.pgcode}: {e.pgerror}")
        finally:
            conn.close()

    def write(cur, rng):
        # One row per correction, each statement its own transaction: writers that lock rows
        # in random order would deadlock among themselves, which is not what this tests.
        for _ in range(batches):
            batch(cur, rng, 40, rows=(1, 1, 1))

    def refresh(cur, rng):
        for _ in range(refreshes):
            cur.execute(f"SELECT * FROM clv.refresh_summaries({TABLES})")
            done[0] += 1

    threads = [threading.Thread(target=work, args=(i, write)) for i in range(writers)]
    threads += [threading.Thread(target=work, args=(writers + i, refresh)) for i in range(refreshers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with setup.cursor() as cur:
        cur.execute(f"SELECT * FROM clv.refresh_summaries({TABLES})")
        cur.execute(DIFFERENCES)
        differences = cur.fetchone()[0]
        cur.execute("DROP SCHEMA refresh_property CASCADE")
    setup.close()
    return done[0], errors, differences


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
    overlapping, errors, differences = concurrent(args.dsn, args.seed)
    for error in errors[:5]:
        print(f"refresh property: concurrent statement failed: {error}")
    if errors or differences:
        sys.exit(f"refresh property: writers with overlapping refreshes: {len(errors)} statements failed, "
                 f"{differences} customers differ from a full rebuild (seed {args.seed})")
    print(f"refresh property: 4 writers and 3 overlapping refreshers: {overlapping} refreshes, no statement failed, "
          f"summaries equal to a full rebuild")


if __name__ == "__main__":
    main()
