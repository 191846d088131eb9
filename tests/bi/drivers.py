#!/usr/bin/env python3
"""The shipped views as BI tools' drivers see them (docs/bi.md), through SQLAlchemy 2.1 with
psycopg 3 and pandas, as the read-only BI login:

- every shipped view and materialized view reflects with no warning ("Did not recognize
  type ...") and no column typed NullType;
- the stage filters through a bound string parameter, and sorts by stage_order;
- pandas reads the dashboard relation with the stage as str and the money as numbers.

Run by scripts/bi.sh test in the venv it makes:
    drivers.py --host SOCKETDIR --port PORT --dbname DB --user ROLE
Prints one line per check; exits 1 on the first failure.
"""

import argparse
import sys
import warnings

import pandas
import sqlalchemy
from sqlalchemy import MetaData, Table, bindparam, func, select

# The shipped views of sql/segments.sql and the demo, and the two for SQL users whose summary
# column BI tools are not meant to read.
BI_RELATIONS = [
    "customer_facts", "lifecycle_overview", "wake_up_list", "spend_surge", "shrinking_basket",
    "upsell_list", "vip_at_risk", "replenishment_due", "rfm_segments", "rfm_segment_overview",
    "cohort_retention", "customer_predictions", "customer_scores", "customer_scores_view", "segment_forecast",
]


def fail(message):
    print(f"FAIL {message}")
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("host", "port", "dbname", "user"):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()
    url = sqlalchemy.URL.create("postgresql+psycopg", username=args.user, database=args.dbname,
                                query={"host": args.host, "port": args.port})
    engine = sqlalchemy.create_engine(url)
    # A SQLAlchemy warning ("Did not recognize type ...") fails the test.
    warnings.simplefilter("error", sqlalchemy.exc.SAWarning)
    inspector = sqlalchemy.inspect(engine)
    listed = set(inspector.get_view_names()) | set(inspector.get_materialized_view_names())
    missing = [name for name in BI_RELATIONS if name not in listed]
    if missing:
        fail(f"not listed by SQLAlchemy: {missing}")
    metadata = MetaData()
    columns = 0
    for name in BI_RELATIONS:
        table = Table(name, metadata, autoload_with=engine)
        for column in table.columns:
            columns += 1
            if isinstance(column.type, sqlalchemy.types.NullType):
                fail(f"{name}.{column.name}: SQLAlchemy does not know its type")
            if not column.comment:
                fail(f"{name}.{column.name}: no comment")
    print(f"ok   SQLAlchemy {sqlalchemy.__version__} reflects {len(BI_RELATIONS)} relations, {columns} columns: "
          "every type known, every column commented, no warning")

    facts = metadata.tables["customer_facts"]
    with engine.connect() as conn:
        by_stage = select(func.count()).select_from(facts).where(facts.c.stage == bindparam("stage", type_=sqlalchemy.String))
        at_risk = conn.execute(by_stage, {"stage": "at_risk"}).scalar_one()
        if at_risk <= 0:
            fail("no customer at_risk through a bound string parameter")
        overview = metadata.tables["lifecycle_overview"]
        stages = conn.execute(select(overview.c.stage).order_by(overview.c.stage_order)).scalars().all()
        print(f"ok   stage = :stage (a bound string) finds {at_risk} customers at_risk; stages by stage_order: {stages}")
        frame = pandas.read_sql(select(metadata.tables["customer_scores_view"]), conn)
    numeric = [c for c in ("value_next_12_months", "total_spend", "p_alive") if not pandas.api.types.is_numeric_dtype(frame[c])]
    if not all(isinstance(v, str) for v in frame["stage"]) or numeric:
        fail(f"pandas reads stage as {type(frame['stage'].iloc[0])}, and not as numbers: {numeric}")
    print(f"ok   pandas {pandas.__version__} reads customer_scores_view: {len(frame)} rows, stage as str, money as numbers")


if __name__ == "__main__":
    main()
