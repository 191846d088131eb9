"""Draws the model diagnostics and segment breakdowns of a pg_clv database as PNG charts
(matplotlib), and optionally an HTML report that shows them.

The database needs the demo's objects (sql/load_cdnow.sql, sql/demo/setup.sql): cdnow_orders,
customer_summaries and the segment views. Models are fitted on the 39 weeks to 1997-09-30, as
in docs/models/diagnostics.md, whose pictures this draws (scripts/charts.sh docs), and
docs/models/uncertainty.md's.

    python3 scripts/charts.py --dsn "host=... port=... dbname=..." --out DIR [--html FILE]
"""
import argparse
import base64
import datetime
import html
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import psycopg2  # noqa: E402

CALIBRATION_END, END = "1997-09-30", "1998-06-30"

MODELS = f"""
DROP TABLE IF EXISTS chart_models;
CREATE TEMP TABLE chart_models AS
SELECT clv.bgnbd_fit(s, '{CALIBRATION_END}', 'weeks') AS bgnbd, clv.pareto_nbd_fit(s, '{CALIBRATION_END}', 'weeks') AS pareto_nbd
FROM customer_summaries;
"""


def rows(cur, sql):
    cur.execute(sql)
    return cur.fetchall()


def tracking(cur, ax):
    data = rows(cur, f"""
        SELECT t.period_start, sum(t.repeat_purchases), sum(t.expected_repeat_purchases)
        FROM chart_models, customer_summaries, clv.purchase_tracking(bgnbd, s, '{END}', 'week') t
        GROUP BY 1 ORDER BY 1""")
    days = [r[0] for r in data]
    actual, expected, a, e = [], [], 0, 0.0
    for _, x, y in data:
        a, e = a + x, e + y
        actual.append(a)
        expected.append(e)
    ax.plot(days, actual, label="actual", color="black")
    ax.plot(days, expected, label="BG/NBD expected", color="tab:blue", linestyle="--")
    ax.axvline(datetime.date.fromisoformat(CALIBRATION_END), color="grey", linestyle=":", label="end of calibration")
    ax.set_title("Tracking: cumulative repeat purchases by week")
    ax.set_ylabel("repeat purchases")
    ax.legend()


def calibration_holdout(cur, ax):
    data = rows(cur, f"""
        SELECT b.calibration_purchases, avg(b.holdout_purchases), avg(b.expected_holdout_purchases), avg(p.expected_holdout_purchases)
        FROM chart_models, customer_summaries,
             clv.holdout_comparison(bgnbd, s, '{CALIBRATION_END}', '{END}') b,
             clv.holdout_comparison(pareto_nbd, s, '{CALIBRATION_END}', '{END}') p
        GROUP BY 1 ORDER BY 1""")
    xs = [r[0] for r in data]
    ax.plot(xs, [r[1] for r in data], marker="o", color="black", label="actual")
    ax.plot(xs, [r[2] for r in data], marker="s", linestyle="--", label="BG/NBD")
    ax.plot(xs, [r[3] for r in data], marker="^", linestyle=":", label="Pareto/NBD")
    ax.set_xticks(xs, [str(x) if x < 7 else "7+" for x in xs])
    ax.set_title("Calibration vs holdout: mean holdout purchases")
    ax.set_xlabel("repeat purchases in calibration")
    ax.legend()


def frequency_histogram(cur, ax):
    data = rows(cur, f"""
        SELECT d.repeat_purchases, count(*) FILTER (WHERE d.observed), sum(d.probability), sum(p.probability)
        FROM chart_models, customer_summaries, clv.repeat_purchase_distribution(bgnbd, s, '{CALIBRATION_END}') d
             JOIN clv.repeat_purchase_distribution(pareto_nbd, s, '{CALIBRATION_END}') p USING (repeat_purchases)
        GROUP BY 1 ORDER BY 1""")
    xs = [r[0] for r in data]
    width = 0.28
    ax.bar([x - width for x in xs], [r[1] for r in data], width, label="actual", color="black")
    ax.bar(xs, [r[2] for r in data], width, label="BG/NBD")
    ax.bar([x + width for x in xs], [r[3] for r in data], width, label="Pareto/NBD")
    ax.set_xticks(xs, [str(x) if x < 7 else "7+" for x in xs])
    ax.set_title("Frequency histogram (calibration)")
    ax.set_xlabel("repeat purchases")
    ax.legend()


def p_alive_heatmap(cur, ax):
    data = rows(cur, "SELECT x, t_x, p_alive FROM chart_models, clv.prediction_grid(bgnbd, 39, 52, 20, 20)")
    grid = [[0.0] * 21 for _ in range(21)]
    for x, t_x, p in data:
        column = round(t_x / 39 * 20)
        for c in range(21) if x == 0 else [column]:
            grid[x][c] = p
    image = ax.imshow(grid, origin="lower", aspect="auto", extent=[0, 39, -0.5, 20.5], cmap="viridis", vmin=0, vmax=1)
    plt.colorbar(image, ax=ax, label="P(alive)")
    ax.set_title("BG/NBD P(alive) at T = 39 weeks")
    ax.set_xlabel("weeks to the last purchase (t_x)")
    ax.set_ylabel("repeat purchases (x)")


def breakdown(cur, ax, view, label, title):
    data = rows(cur, f"SELECT {label}::text, customers, revenue FROM {view} ORDER BY revenue DESC")
    names = [r[0] for r in data]
    ax.barh(names, [float(r[2]) for r in data], color="tab:green")
    for i, r in enumerate(data):
        ax.text(float(r[2]), i, f" {r[1]} customers", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel("revenue")


def cohort_retention(cur, ax):
    data = rows(cur, f"""
        SELECT to_char(cohort, 'YYYY-MM'), period, 100.0 * count(*) FILTER (WHERE purchased) / count(*)
        FROM customer_summaries, clv.retention_periods(s, 'month', '{END}') GROUP BY 1, 2 ORDER BY 1, 2""")
    cohorts = sorted({r[0] for r in data})
    periods = max(r[1] for r in data) + 1
    grid = [[float("nan")] * periods for _ in cohorts]
    for cohort, period, pct in data:
        if period > 0:
            grid[cohorts.index(cohort)][period] = float(pct)
    image = ax.imshow(grid, aspect="auto", cmap="magma_r")
    plt.colorbar(image, ax=ax, label="% buying")
    ax.set_yticks(range(len(cohorts)), cohorts)
    ax.set_title("Cohort retention: % of each first-order month buying n months later")
    ax.set_xlabel("months since the first order")


def segment_totals(cur, ax):
    # The segments of docs/models/uncertainty.md: repeat purchases in the calibration weeks.
    data = rows(cur, f"""
        SELECT segment, (t).estimate, (t).lower, (t).upper, actual
        FROM (SELECT CASE WHEN h.calibration_purchases = 0 THEN 'one-time buyers'
                          WHEN h.calibration_purchases < 4 THEN 'repeat buyers' ELSE 'frequent buyers' END AS segment,
                     clv.expected_purchases_total(bgnbd, s, '{CALIBRATION_END}', 39, 0.9) AS t,
                     sum(h.holdout_purchases) AS actual
              FROM chart_models, customer_summaries, clv.holdout_comparison(bgnbd, s, '{CALIBRATION_END}', '{END}') h
              GROUP BY 1) x
        ORDER BY 2 DESC""")
    names = [r[0] for r in data]
    expected = [float(r[1]) for r in data]
    below = [float(r[1] - r[2]) for r in data]
    above = [float(r[3] - r[1]) for r in data]
    ax.bar(names, expected, yerr=[below, above], capsize=8, color="tab:blue", alpha=0.7,
           label="BG/NBD expected, with its 90% interval")
    ax.scatter(names, [float(r[4]) for r in data], color="black", zorder=3, label="actual")
    ax.set_title("Repeat purchases in the 39 holdout weeks, by calibration segment")
    ax.set_ylabel("repeat purchases")
    ax.legend()


CHARTS = [
    ("tracking", "Tracking", tracking),
    ("calibration_holdout", "Calibration vs holdout", calibration_holdout),
    ("frequency_histogram", "Frequency histogram", frequency_histogram),
    ("p_alive_heatmap", "P(alive) heat map", p_alive_heatmap),
    ("lifecycle", "Lifecycle stages", lambda cur, ax: breakdown(cur, ax, "lifecycle_overview", "stage", "Lifecycle stages: revenue and customers")),
    ("rfm", "RFM segments", lambda cur, ax: breakdown(cur, ax, "rfm_segment_overview", "segment", "RFM segments: revenue and customers")),
    ("cohort_retention", "Cohort retention", cohort_retention),
    ("segment_totals", "Segment totals with intervals", segment_totals),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--out", required=True, help="directory for the PNG files")
    parser.add_argument("--html", help="also write an HTML report showing the charts")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    conn = psycopg2.connect(args.dsn)
    cur = conn.cursor()
    cur.execute(MODELS)
    files = []
    for name, title, draw in CHARTS:
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
        draw(cur, ax)
        fig.tight_layout()
        path = os.path.join(args.out, f"{name}.png")
        # Fixed metadata, so that unchanged data gives identical files.
        fig.savefig(path, metadata={"Software": None})
        plt.close(fig)
        files.append((title, path))
    if args.html:
        write_report(args.html, files)
    print("\n".join(path for _, path in files))


def write_report(path, files):
    """One self-contained page: the charts inlined as data URLs. On load it records how many
    images rendered (data-images-rendered on <body>), which the report test reads."""
    sections = []
    for title, png in files:
        with open(png, "rb") as f:
            data = base64.b64encode(f.read()).decode()
        sections.append(f'<section><h2>{html.escape(title)}</h2><img alt="{html.escape(title)}" src="data:image/png;base64,{data}"></section>')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>pg_clv report</title>
<style>body {{ font-family: sans-serif; max-width: 900px; margin: 2em auto; }} img {{ max-width: 100%; }}</style>
</head><body>
<h1>pg_clv report: CDNOW</h1>
<p>Models fitted on the 39 weeks to {CALIBRATION_END}; data to {END}. Drawn by scripts/charts.py.</p>
{''.join(sections)}
<script>
window.addEventListener("load", () => {{
  const rendered = [...document.images].filter(i => i.complete && i.naturalWidth > 0).length;
  document.body.dataset.imagesRendered = rendered;
}});
</script>
</body></html>
"""
    with open(path, "w") as f:
        f.write(page)


if __name__ == "__main__":
    main()
