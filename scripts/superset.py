#!/usr/bin/env python3
"""pg_clv's Superset dashboard (docs/bi.md), through Superset's REST API:

    superset.py build  --url URL --database-uri URI --out DIR   author it, export it to DIR
    superset.py import --url URL --database-uri URI --export DIR  import DIR's export, pointed at URI
    superset.py check  --url URL [--screenshot PNG]            every chart's data, then the
                                                                dashboard in headless Chromium

`build` is how the shipped export (tests/bi/superset/) was made: it creates the database
connection, a dataset per BI view and the charts, lays them out and exports the dashboard.
`import` and `check` are what scripts/bi.sh runs. Logs in as admin/admin (the test
instance's account, scripts/bi.sh). Uses only the standard library and selenium (a
dependency of Superset, so it is in Superset's virtual environment), with Debian's
chromium-driver.
"""

import argparse
import io
import json
import os
import shutil
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile

DASHBOARD = "Customer retention (pg_clv)"
SLUG = "pg-clv"
DATABASE = "pg_clv"
USER, PASSWORD = "admin", "admin"


def metric(column, aggregate, label):
    return {"expressionType": "SIMPLE", "column": {"column_name": column}, "aggregate": aggregate, "label": label}


# The charts: (name, dataset, viz_type, form data); each one a question the dashboard answers.
CHARTS = [
    ("Revenue by lifecycle stage", "lifecycle_overview", "echarts_timeseries_bar", {
        "x_axis": "stage", "metrics": [metric("revenue", "SUM", "revenue")], "groupby": [],
        "x_axis_sort": "stage_order", "x_axis_sort_asc": True, "orientation": "vertical", "show_legend": False,
        "y_axis_format": "SMART_NUMBER", "row_limit": 100}),
    ("Customers by lifecycle stage", "lifecycle_overview", "pie", {
        "groupby": ["stage"], "metric": metric("customers", "SUM", "customers"), "show_labels": True,
        "label_type": "key_percent", "show_legend": True, "row_limit": 100}),
    ("Revenue by RFM segment", "rfm_segment_overview", "echarts_timeseries_bar", {
        "x_axis": "segment", "metrics": [metric("revenue", "SUM", "revenue")], "groupby": [],
        "orientation": "horizontal", "show_legend": False, "y_axis_format": "SMART_NUMBER", "row_limit": 100}),
    ("VIP customers at risk", "vip_at_risk", "table", {
        "query_mode": "raw", "all_columns": ["customer_id", "stage", "total_spend", "purchase_days", "last_order",
                                             "days_since_last_order"],
        "order_by_cols": [json.dumps(["total_spend", False])], "table_timestamp_format": "%Y-%m-%d",
        "row_limit": 100, "server_page_length": 10}),
    ("Wake-up list", "wake_up_list", "table", {
        "query_mode": "raw", "all_columns": ["customer_id", "stage", "purchase_days", "repurchase_cycle",
                                             "days_since_last_order", "overdue_ratio", "total_spend"],
        "order_by_cols": [json.dumps(["overdue_ratio", False])], "row_limit": 100, "server_page_length": 10}),
    ("Distribution of P(alive)", "customer_scores_view", "histogram_v2", {
        "column": "p_alive", "groupby": [], "bins": 20, "normalize": False, "row_limit": 100000}),
    ("Cohort retention (% of the cohort buying, by month since the first order)", "cohort_retention", "heatmap_v2", {
        "x_axis": "period",
        "groupby": {"expressionType": "SQL", "sqlExpression": "to_char(cohort, 'YYYY-MM')", "label": "cohort month"},
        "metric": metric("pct_retained", "MAX", "pct_retained"), "show_values": True, "normalize_across": "heatmap",
        "linear_color_scheme": "superset_seq_1", "sort_x_axis": "alpha_asc", "sort_y_axis": "alpha_asc",
        "row_limit": 10000}),
    ("Predicted 12-month value by RFM segment", "customer_scores_view", "echarts_timeseries_bar", {
        "x_axis": "segment", "metrics": [metric("value_next_12_months", "SUM", "value next 12 months")], "groupby": [],
        "orientation": "horizontal", "show_legend": False, "y_axis_format": "SMART_NUMBER", "row_limit": 100}),
]


class Superset:
    def __init__(self, url):
        self.url = url.rstrip("/")
        self.token = self.call("POST", "/api/v1/security/login",
                               {"username": USER, "password": PASSWORD, "provider": "db", "refresh": True})["access_token"]

    def call(self, method, path, body=None, raw=False, form=None):
        headers = {"Accept": "application/json"}
        if getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data, headers["Content-Type"] = form
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                payload = response.read()
        except urllib.error.HTTPError as e:
            sys.exit(f"{method} {path}: HTTP {e.code}: {e.read().decode(errors='replace')[:2000]}")
        return payload if raw else json.loads(payload)

    def find(self, resource, column, value):
        query = json.dumps({"filters": [{"col": column, "opr": "eq", "value": value}]})
        rows = self.call("GET", f"/api/v1/{resource}/?q={urllib.request.quote(query)}")["result"]
        return rows[0]["id"] if rows else None


def build(args):
    """Creates the database connection, datasets, charts and dashboard, and exports it."""
    api = Superset(args.url)
    database = api.find("database", "database_name", DATABASE) or api.call("POST", "/api/v1/database/", {
        "database_name": DATABASE, "sqlalchemy_uri": args.database_uri, "expose_in_sqllab": True})["id"]
    datasets = {}
    for _, table, _, _ in CHARTS:
        if table not in datasets:
            datasets[table] = api.find("dataset", "table_name", table) or api.call("POST", "/api/v1/dataset/", {
                "database": database, "schema": "public", "table_name": table})["id"]
    dashboard = api.call("POST", "/api/v1/dashboard/", {"dashboard_title": DASHBOARD, "slug": SLUG, "published": True})["id"]
    charts = []
    for name, table, viz, form_data in CHARTS:
        params = dict(form_data, viz_type=viz, datasource=f"{datasets[table]}__table", adhoc_filters=[])
        chart = api.call("POST", "/api/v1/chart/", {
            "slice_name": name, "viz_type": viz, "datasource_id": datasets[table], "datasource_type": "table",
            "params": json.dumps(params), "dashboards": [dashboard]})["id"]
        charts.append((chart, name, api.call("GET", f"/api/v1/chart/{chart}")["result"]["uuid"]))
    # Two charts a row, each half the width of the 12-column grid.
    position = {"DASHBOARD_VERSION_KEY": "v2", "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
                "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
                "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": DASHBOARD}}}
    for i in range(0, len(charts), 2):
        row = f"ROW-{i // 2}"
        position["GRID_ID"]["children"].append(row)
        position[row] = {"type": "ROW", "id": row, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                         "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for chart, name, chart_uuid in charts[i:i + 2]:
            key = f"CHART-{chart}"
            position[row]["children"].append(key)
            # The export and the import know a chart of the layout by its uuid.
            position[key] = {"type": "CHART", "id": key, "children": [], "parents": ["ROOT_ID", "GRID_ID", row],
                             "meta": {"chartId": chart, "uuid": chart_uuid, "width": 6, "height": 60, "sliceName": name}}
    api.call("PUT", f"/api/v1/dashboard/{dashboard}", {"position_json": json.dumps(position)})
    export = api.call("GET", f"/api/v1/dashboard/export/?q={urllib.request.quote(f'!({dashboard})')}", raw=True)
    shutil.rmtree(args.out, ignore_errors=True)
    with zipfile.ZipFile(io.BytesIO(export)) as z:
        for member in z.namelist():
            # The export's top folder carries a timestamp; the files below it are what ships.
            path = os.path.join(args.out, member.split("/", 1)[1])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            # A dataset names the database it was made in as its catalog; the import's is another.
            text = "\n".join("catalog: null" if line.startswith("catalog:") else line
                             for line in z.read(member).decode().splitlines())
            with open(path, "w") as f:
                f.write(text + "\n")
    print(f"exported dashboard {dashboard} ({len(charts)} charts) to {args.out}")


def import_export(args):
    """Imports the shipped export with its database connection pointed at --database-uri."""
    api = Superset(args.url)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for root, _, files in os.walk(args.export):
            for name in files:
                path = os.path.join(root, name)
                text = open(path).read()
                if os.path.relpath(path, args.export).startswith("databases/"):
                    text = "\n".join(f"sqlalchemy_uri: {args.database_uri}" if line.startswith("sqlalchemy_uri:") else line
                                     for line in text.splitlines()) + "\n"
                z.writestr(os.path.join("pg_clv_dashboard", os.path.relpath(path, args.export)), text)
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"formData\"; filename=\"dashboard.zip\"\r\n"
            f"Content-Type: application/zip\r\n\r\n").encode() + buffer.getvalue() + \
           f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\ntrue\r\n--{boundary}--\r\n".encode()
    api.call("POST", "/api/v1/dashboard/import/", form=(body, f"multipart/form-data; boundary={boundary}"))
    print(f"imported {args.export} into {args.url}, database {DATABASE} at {args.database_uri.split('@')[-1]}")


def query_context(chart, params):
    """The query Superset's front end sends for each kind of chart used here."""
    viz = params["viz_type"]
    if viz == "table":
        query = {"columns": params["all_columns"], "metrics": [],
                 "orderby": [json.loads(o) for o in params.get("order_by_cols", [])]}
    elif viz == "histogram_v2":
        query = {"columns": [params["column"]], "metrics": []}
    elif viz == "heatmap_v2":
        query = {"columns": [params["x_axis"], params["groupby"]], "metrics": [params["metric"]]}
    elif viz == "pie":
        query = {"columns": params["groupby"], "metrics": [params["metric"]]}
    else:
        query = {"columns": [params["x_axis"]], "metrics": params["metrics"]}
    query.update(row_limit=params.get("row_limit", 1000), filters=[], extras={})
    return {"datasource": {"id": chart["datasource_id"], "type": "table"}, "force": True, "queries": [query],
            "form_data": params, "result_format": "json", "result_type": "full"}


def check(args):
    """Every chart's data through /api/v1/chart/data, then the dashboard in headless Chromium."""
    api = Superset(args.url)
    dashboard = api.call("GET", f"/api/v1/dashboard/{SLUG}")["result"]
    charts = api.call("GET", f"/api/v1/dashboard/{dashboard['id']}/charts")["result"]
    if len(charts) != len(CHARTS):
        sys.exit(f"FAIL the dashboard has {len(charts)} charts, expected {len(CHARTS)}")
    for summary in charts:
        chart = api.call("GET", f"/api/v1/chart/{summary['id']}")["result"]
        params = json.loads(chart["params"])
        chart["datasource_id"] = int(params["datasource"].split("__")[0])
        result = api.call("POST", "/api/v1/chart/data", query_context(chart, params))["result"][0]
        if result.get("error") or not result.get("rowcount"):
            sys.exit(f"FAIL chart {chart['slice_name']!r}: {result.get('error') or 'no rows'}")
        print(f"ok   chart data {chart['slice_name']!r}: {result['rowcount']} rows")
    render(args.url, dashboard["id"], len(charts), args.screenshot)


def log_in(driver, url):
    """Logs in through the form. The form is drawn by the front end's JavaScript, which may
    draw it again after the first keys are typed (and drop them): the fields are checked before
    the form is sent, and the login is tried again until it holds."""
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    for _ in range(5):
        driver.get(f"{url}/login/")
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.ID, "username"))
        try:
            for field, value in (("username", USER), ("password", PASSWORD)):
                element = driver.find_element(By.ID, field)
                element.clear()
                element.send_keys(value)
            if [driver.find_element(By.ID, f).get_attribute("value") for f in ("username", "password")] != [USER, PASSWORD]:
                continue
            driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)
            return
        except (StaleElementReferenceException, TimeoutException):
            continue
    sys.exit("FAIL could not log in to Superset through its form in 5 tries")


def render(url, dashboard, expected, screenshot):
    """Logs in through the form and waits until every chart of the dashboard has drawn."""
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,2400"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        log_in(driver, url)
        driver.get(f"{url}/superset/dashboard/{dashboard}/?standalone=1")
        deadline = time.time() + 180
        while True:
            holders = driver.find_elements(By.CSS_SELECTOR, "[data-test-chart-id]")
            drawn = {h.get_attribute("data-test-chart-id") for h in holders
                     if h.find_elements(By.CSS_SELECTOR, "canvas, svg, table")}
            errors = driver.find_elements(By.CSS_SELECTOR, ".alert-danger, [role=alert], .error-message")
            loading = driver.find_elements(By.CSS_SELECTOR, ".loading")
            if errors:
                sys.exit(f"FAIL the dashboard shows an error: {errors[0].text[:500]}")
            if len(drawn) == expected and not loading:
                break
            if time.time() > deadline:
                sys.exit(f"FAIL {len(drawn)} of {expected} charts drawn after 180 s")
            time.sleep(1)
        time.sleep(2)  # let animations settle for the picture
        if screenshot:
            driver.save_screenshot(screenshot)
        print(f"ok   dashboard in headless Chromium: {len(drawn)} of {expected} charts drawn, no error"
              + (f" (screenshot {screenshot})" if screenshot else ""))
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["build", "import", "check"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--database-uri")
    parser.add_argument("--out")
    parser.add_argument("--export")
    parser.add_argument("--screenshot")
    args = parser.parse_args()
    {"build": build, "import": import_export, "check": check}[args.action](args)


if __name__ == "__main__":
    main()
