#!/usr/bin/env python3
"""Catalog-driven fuzz test of pg_clv (run by scripts/fuzz.sh, which sets up the cluster).

Every function and aggregate of schema clv is listed from the catalog and called with values
drawn from adversarial pools per argument type: NULL, float extremes (0, -0, subnormals,
±1e308, NaN, ±Infinity), date and timestamp extremes, integer extremes, text that is empty,
huge or garbage, and for every custom type valid values, mutated text forms and random bytes
through COPY ... FROM STDIN (FORMAT binary), which runs the type's receive function.
Aggregates run over 0 to 10 random rows, plain, as window functions, with FILTER and in
GROUPING SETS.

A call fails the test when the backend crashes (the connection drops; the server log says
"terminated by signal"), raises an internal error (SQLSTATE XX000 or a Rust panic message),
returns NaN or ±Infinity, or does not end. A call gets 2 s (statement_timeout) to keep the
run fast; one that takes longer is run again with 120 s, and only a call that does not end
then fails: a slow call (a debug build, a busy machine) is listed, not failed, so that timing
never fails a correct build. Every other ERROR is a pass: bad input is supposed to be refused.
The run is reproducible from its seed, and every failure is printed with its SQL.
"""

import argparse
import io
import json
import random
import re
import struct
import sys
import time

import psycopg2
import psycopg2.errors

TIMEOUT_MS = 2000
# A call over TIMEOUT_MS runs again with this much time; only then is it called unbounded.
HANG_MS = 120_000
NON_FINITE = re.compile(r"\bNaN\b|Infinity")
PANIC = re.compile(r"panick|Rust panic|RUST_BACKTRACE", re.IGNORECASE)

FLOATS = ["0", "-0", "1", "-1", "0.5", "2", "3", "7", "39", "52", "100", "365", "1e-9", "1e9",
          "1e-300", "5e-324", "2.2250738585072014e-308", "1e308", "-1e308",
          "1.7976931348623157e308", "0.9999999999999999", "1.0000000000000002",
          "NaN", "Infinity", "-Infinity"]
INTS = [0, 1, -1, 2, 3, 5, 10, 12, 30, 90, 100, 365, 1200, 1201, 100000, 100001,
        2147483647, -2147483648]
# What a function that takes tables and column names rightly raises when they do not fit:
# undefined column or table, duplicate table, no unique index for ON CONFLICT, wrong type (or
# no function for the columns' types: a boolean column named as the order time).
OBJECT_ERRORS = {"42703", "42P01", "42P07", "42P10", "42804", "42883"}
SCRATCH_TABLES = ["fuzz_scratch.orders", "fuzz_scratch.summaries", "fuzz_scratch.orders_clv_changes", "fuzz_scratch.empty"]
COLUMN_NAMES = ["customer_id", "ordered_at", "amount", "s", "no_such_column", 'x"; DROP TABLE y; --', "", "recompute"]
BIGINTS = INTS + [100000000, 100000001, 9223372036854775807, -9223372036854775808]
DATES = ["1997-01-01", "1997-03-25", "1997-09-30", "1998-06-30", "2000-01-01", "2024-02-29",
         "1970-01-01", "4713-01-01 BC", "4714-11-24 BC", "294276-12-31", "294277-01-01",
         "5874897-12-31", "infinity", "-infinity"]
TIMESTAMPS = ["1997-01-01 00:00:00", "1997-06-15 23:59:59.999999", "2000-01-01 12:00",
              "4713-01-01 00:00:00 BC", "294276-12-31 23:59:59", "infinity", "-infinity"]
TEXTS = ["days", "weeks", "day", "week", "month", "months", "quarter", "year", "years",
         "DAYS", " weeks ", "fortnight", "", "x" * 10000, "d\u00e4ys", "'; DROP TABLE x; --",
         "\\x00", "null", "NaN"]
SEGMENT_RULES = ['[{"segment": "Champions", "r": [4, 5], "fm": [4, 5]}, {"segment": "Others"}]',
                 '[]', '{}', '[{"segment": "x"}]', '[{"segment": "x", "r": [5, 1]}]',
                 '[{"segment": "x", "r": [0, 99]}]', '[{"segment": 1}]', '[{"r": [1, 5]}]',
                 '[' * 5000 + ']' * 5000, '"text"', '[{"segment": "x", "f": [1e308, -1e308]}]']
# Covariate options of the fits with covariates (names per process, constraints, L2 weights),
# valid and broken.
COVARIATE_OPTIONS = ['{}', '{"trans": ["a"], "life": ["a"]}', '{"trans": ["a", "b"], "life": ["a"], "constrained": ["a"]}',
                     '{"spend": ["a"]}', '{"lambda": {"trans": 0.1, "life": 1e6}}', '{"lambda": {"spend": 1e308}}',
                     '{"lambda": {"trans": -1}}', '{"trans": ["a", "a"]}', '{"trans": [""]}', '{"constrained": ["x"]}',
                     '{"trans": [1]}', '{"colour": 1}', '[]', 'null', '"trans"', '{"trans": ["' + "x" * 100 + '"]}']
# Covariate values: a customer's vectors and a simulation's effects.
COVARIATES = ["0", "1", "-1", "0.5", "20", "21", "1e6", "1000001", "-1e6", "1e-300", "5e-324", "1e308",
              "NaN", "Infinity", "-Infinity", "NULL"]
EXTREME_NUMBERS = ["0", "-0", "1e308", "-1e308", "5e-324", "1e-320", "99999999999999999999",
                   "-1", "1e400", "2147483648", "18446744073709551616", "0.0000001",
                   # tiny, subnormal and huge but valid parameters, and fractional counts
                   "1.4e-140", "2.2250738585072014e-308", "1e-300", "1.7976931348623157e308", "1e200", "0.5"]
# Doubles written over a stored value's parameters and fit record (binary forms are a version
# byte, then float8 fields).
EXTREME_DOUBLES = [0.0, -0.0, -1.0, 0.5, 1.4e-140, 5e-324, 2.2250738585072014e-308, 1e-300, 1e200,
                   1.7976931348623157e308, float("inf"), float("-inf"), float("nan")]


def sql_literal(value):
    return "'" + value.replace("'", "''") + "'"


class Pools:
    """Values per SQL type, as SQL expressions."""

    def __init__(self, rng, fixtures):
        self.rng = rng
        self.fixtures = fixtures  # type name -> list of valid text forms

    def random_float(self):
        r = self.rng
        roll = r.random()
        if roll < 0.45:
            return r.choice(FLOATS)
        if roll < 0.7:
            return repr(r.choice([-1, 1]) * 10 ** r.uniform(-12, 12))
        return repr(r.randint(0, 200) * r.choice([1, 1, 1, 0.5, 7.0 / 3]))

    def random_int(self, pool):
        return str(self.rng.choice(pool) if self.rng.random() < 0.6 else self.rng.randint(-5, 400))

    def random_date(self):
        r = self.rng
        if r.random() < 0.5:
            return r.choice(DATES)
        return f"{r.randint(1990, 2030):04d}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"

    def random_timestamp(self):
        r = self.rng
        if r.random() < 0.4:
            return r.choice(TIMESTAMPS)
        return f"{self.random_date() if r.random() < 0.3 else '1997-0%d-1%d' % (r.randint(1, 9), r.randint(0, 9))} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}"

    def mutate(self, text):
        """A damaged copy of a valid text form."""
        r = self.rng
        kind = r.randrange(8)
        if not text:
            return text
        if kind == 0:  # truncated
            return text[: r.randrange(len(text))]
        if kind == 1:  # a flipped character
            i = r.randrange(len(text))
            return text[:i] + chr(r.choice([0x22, 0x7b, 0x7d, 0x2c, 0x3a, 0x30, 0x2d, 0x65, 0x41, 0xe9])) + text[i + 1:]
        if kind == 2:  # a dropped key
            try:
                value = json.loads(text)
            except ValueError:
                return text[::-1]
            if isinstance(value, dict) and value:
                value.pop(r.choice(list(value)))
            return json.dumps(value)
        if kind == 3:  # deep nesting
            return "[" * 100000 + "]" * 100000 if r.random() < 0.5 else '{"a":' * 3000 + "1" + "}" * 3000
        if kind == 4:  # extreme numbers in place of some numbers (parameters, fit fields, counts)
            share = r.choice([0.15, 0.4, 1.0])
            return re.sub(r"-?\d+(\.\d+)?([eE][-+]?\d+)?",
                          lambda m: r.choice(EXTREME_NUMBERS) if r.random() < share else m.group(0), text)
        if kind == 5:  # a number replaced by a string or null
            return re.sub(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", lambda m: r.choice([m.group(0), '"1"', "null", "[]"]), text)
        if kind == 6:  # huge
            return text + " " * r.choice([1, 1000, 1000000])
        return ""  # empty

    def custom(self, type_name):
        valid = self.fixtures.get(type_name)
        if not valid:
            return "NULL"
        text = self.rng.choice(valid)
        if self.rng.random() < 0.5:
            text = self.mutate(text)
        return f"{sql_literal(text)}::{type_name}"

    def value(self, type_name):
        """An SQL expression of type `type_name` (NULL one time in ten)."""
        r = self.rng
        if r.random() < 0.1 or type_name == "internal":
            return f"NULL::{type_name}" if type_name != "internal" else "NULL"
        if type_name == "double precision":
            return f"'{self.random_float()}'::float8"
        if type_name == "numeric":
            v = self.random_float()
            return f"'{v}'::numeric" if "e" not in v.lower() or r.random() < 0.5 else f"'{float(v) if v not in ('NaN', 'Infinity', '-Infinity') else v}'::float8::numeric"
        if type_name == "integer":
            return f"{self.random_int(INTS)}::int4"
        if type_name == "bigint":
            return f"{self.random_int(BIGINTS)}::int8"
        if type_name == "date":
            return f"'{self.random_date()}'::date"
        if type_name == "timestamp without time zone":
            return f"'{self.random_timestamp()}'::timestamp"
        if type_name == "timestamp with time zone":
            return f"'{self.random_timestamp()}+00'::timestamptz"
        if type_name == "text":
            return f"{sql_literal(r.choice(TEXTS))}::text"
        if type_name == "boolean":
            return r.choice(["true", "false"])
        if type_name == "jsonb":
            return f"{sql_literal(r.choice(SEGMENT_RULES + COVARIATE_OPTIONS))}::jsonb"
        if type_name == "double precision[]":
            # Mostly the short vectors a model or a simulation takes; sometimes too long.
            n = r.choice([0, 0, 1, 1, 2, 2, 3, 32, 33])
            values = [r.choice(COVARIATES) if r.random() < 0.3 else r.choice(["0", "1"]) for _ in range(n)]
            return "ARRAY[" + ", ".join(v if v == "NULL" else f"'{v}'::float8" for v in values) + "]::float8[]"
        if type_name == "cstring":
            pool = r.choice([TEXTS] + [v for v in self.fixtures.values() if v])
            return f"{sql_literal(self.mutate(r.choice(pool)) if r.random() < 0.7 else r.choice(pool))}::cstring"
        if type_name == "regclass":
            # Only the scratch tables scripts/fuzz.sh made: the refresh functions write them.
            return f"'{r.choice(SCRATCH_TABLES)}'::regclass"
        if type_name == "name":
            return f"{sql_literal(r.choice(COLUMN_NAMES))}::name"
        if type_name == "name[]":
            names = [r.choice(COLUMN_NAMES + [None]) for _ in range(r.randint(0, 4))]
            return "ARRAY[" + ", ".join("NULL" if n is None else sql_literal(n) for n in names) + "]::name[]"
        if type_name == "numeric[]":
            values = [r.choice([self.random_float(), "NULL"]) for _ in range(r.choice([0, 1, 5, 6, 6, 6, 7]))]
            return "ARRAY[" + ", ".join(v if v == "NULL" else f"'{v}'::numeric" for v in values) + "]::numeric[]"
        if type_name == "bigint[]":
            n = r.choice([0, 1, 2, 3, 8, 50, 1201, 1202])
            if r.random() < 0.5:
                # Survivor counts: non-increasing from a cohort size, sometimes broken.
                counts, left = [], r.choice([1, 1000, 2**62, 0])
                for _ in range(n):
                    counts.append(left)
                    left = max(0, left - r.randint(0, max(1, left // 3)))
            else:
                counts = [r.choice(BIGINTS + [None]) for _ in range(n)]
            items = ", ".join("NULL" if c is None else str(c) for c in counts)
            return f"ARRAY[{items}]::int8[]"
        if type_name == "bytea":
            return f"'\\x{bytes(r.getrandbits(8) for _ in range(r.randint(0, 48))).hex()}'::bytea"
        if type_name == "clv.lifecycle":
            return f"'{r.choice(['prospect', 'new', 'active', 'at_risk', 'dormant'])}'::clv.lifecycle"
        if type_name == "clv.rfm_score":
            fields = [str(r.choice([1, 2, 3, 5, 0, -1, 11, 2147483647])) for _ in range(3)]
            return f"ROW({', '.join(fields)}, '545', {r.choice([5, 2, 10, 0, 11, -1])})::clv.rfm_score"
        if type_name.startswith("clv."):
            return self.custom(type_name)
        raise SystemExit(f"fuzz.py has no pool for type {type_name}: add one")


class Fuzzer:
    def __init__(self, dsn, seed, server_log):
        self.dsn = dsn
        self.seed = seed
        self.rng = random.Random(seed)
        self.server_log = server_log
        self.log_offset = self.log_size()
        self.failures = []
        self.outcomes = {}
        # (seconds, SQL) of the calls over TIMEOUT_MS that ended when run again.
        self.slow = []
        self.calls = 0
        self.connect()
        self.functions, self.aggregates, self.stored_types = self.catalog()
        self.pools = Pools(self.rng, self.fixtures())

    def log_size(self):
        try:
            with open(self.server_log, "rb") as f:
                return f.seek(0, 2)
        except OSError:
            return 0

    def connect(self):
        self.conn = psycopg2.connect(self.dsn)
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            cur.execute(f"SET statement_timeout = {TIMEOUT_MS}; SET client_min_messages = error;"
                        "SET extra_float_digits = 0; SET datestyle = 'ISO'")

    def catalog(self):
        with self.conn.cursor() as cur:
            cur.execute("""
                SELECT p.proname, p.prokind, p.proretset, p.pronargs, p.pronargdefaults,
                       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) t)
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'clv' ORDER BY p.oid""")
            rows = cur.fetchall()
            cur.execute("""
                SELECT format_type(t.oid, NULL), t.typsend::regproc::text
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = 'clv' AND t.typtype = 'b' AND t.typcategory <> 'A' ORDER BY 1""")
            sends = dict(cur.fetchall())
            stored = list(sends)
        self.send_functions = sends
        # Support functions of aggregates take `internal`, which SQL cannot pass (no value casts
        # to it): the aggregates exercise them.
        functions = [r for r in rows if r[1] == "f" and "internal" not in r[5]]
        aggregates = [r for r in rows if r[1] == "a"]
        return functions, aggregates, stored

    def fixtures(self):
        """Valid text forms of every custom type, from the tables scripts/fuzz.sh made."""
        out = {}
        with self.conn.cursor() as cur:
            for type_name in self.stored_types:
                cur.execute("""SELECT f.value::text FROM fuzz.fixtures f
                               WHERE f.type_name = %s""", (type_name,))
                out[type_name] = [r[0] for r in cur.fetchall()]
                if not out[type_name]:
                    raise SystemExit(f"fuzz.fixtures has no value of {type_name}: add some in scripts/fuzz.sh")
        return out

    # ---- running one statement ------------------------------------------------------------

    def fail(self, kind, sql, detail):
        key = (kind, sql.split("(")[0][:80])
        if any(f[0] == key for f in self.failures):
            return
        self.failures.append((key, f"FAIL {kind} (seed {self.seed}, call {self.calls}): {detail}\n  SQL: {sql[:2000]}"))
        print(self.failures[-1][1], flush=True)

    def execute(self, sql, copy_data):
        with self.conn.cursor() as cur:
            if copy_data is not None:
                cur.copy_expert(sql, io.BytesIO(copy_data))
                return []
            cur.execute(sql)
            return cur.fetchall() if cur.description else []

    def rerun_slow(self, sql, copy_data):
        """A call that took over TIMEOUT_MS, run again with HANG_MS: listed as slow if it ends
        (with rows or an error), failed if it does not."""
        with self.conn.cursor() as cur:
            cur.execute(f"SET statement_timeout = {HANG_MS}")
        started = time.monotonic()
        try:
            self.execute(sql, copy_data)
        except psycopg2.Error as e:
            if e.pgcode == "57014":
                self.fail(f"no end within {HANG_MS / 1000:g} s", sql, (e.pgerror or "").strip())
        finally:
            with self.conn.cursor() as cur:
                cur.execute(f"SET statement_timeout = {TIMEOUT_MS}")
        self.slow.append((time.monotonic() - started, sql))

    def run(self, sql, copy_data=None, check_values=True):
        self.calls += 1
        started = time.monotonic()
        try:
            rows = self.execute(sql, copy_data)
        except psycopg2.Error as e:
            if e.pgcode is None or self.conn.closed:
                self.fail("crash", sql, f"connection lost: {e}".strip())
                self.reconnect_after_crash(sql)
                return None
            code = e.pgcode or "?????"
            self.outcomes[code] = self.outcomes.get(code, 0) + 1
            message = (e.pgerror or "").strip()
            if code.startswith("XX") or PANIC.search(message):
                self.fail("internal error", sql, message)
            elif code == "57014":
                self.rerun_slow(sql, copy_data)
            elif code in OBJECT_ERRORS and "::regclass" in sql:
                pass  # a function given tables and columns that do not fit: the right error
            elif code.startswith("42") or code == "?????":
                self.fail("fuzzer bug (bad SQL)", sql, message)
            return None
        elapsed = time.monotonic() - started
        if elapsed > TIMEOUT_MS / 1000:
            self.slow.append((elapsed, sql))
        self.outcomes["ok"] = self.outcomes.get("ok", 0) + 1
        if check_values:
            for row in rows:
                for value in row:
                    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
                        self.fail("non-finite result", sql, repr(row))
                    elif isinstance(value, str) and NON_FINITE.search(value):
                        self.fail("non-finite result", sql, value[:300])
        return rows

    def reconnect_after_crash(self, sql):
        for _ in range(60):
            try:
                self.connect()
                return
            except psycopg2.OperationalError:
                time.sleep(1)
        raise SystemExit(f"the server did not come back after: {sql[:500]}")

    # ---- calls ------------------------------------------------------------------------------

    def call_function(self, fn):
        name, _, retset, nargs, ndefaults, types = fn
        used = nargs - self.rng.randint(0, ndefaults) if ndefaults else nargs
        args = ", ".join(self.pools.value(t) for t in types[:used])
        call = f"clv.{name}({args})"
        if retset:
            # LIMIT bounds what a huge but legitimate request returns: in the select list a
            # set-returning function makes its rows one call at a time (in FROM it would
            # materialize them all first). Each row must still come fast.
            self.run(f"SELECT count(*), max(t::text) FILTER (WHERE t::text ~ '\\mNaN\\M|Infinity') "
                     f"FROM (SELECT {call} AS t LIMIT 20000) rows")
        else:
            self.run(f"SELECT ({call})::text")

    def call_aggregate(self, agg):
        name, _, _, nargs, _, types = agg
        r = self.rng
        n_rows = r.randint(0, 10)
        # Most aggregates need the same parameters on every row: keep an argument fixed
        # across rows most of the time, so that the calls get past that check.
        fixed = [self.pools.value(t) if r.random() < 0.8 else None for t in types]
        rows = []
        for i in range(max(n_rows, 1)):
            cells = [fixed[j] if fixed[j] is not None else self.pools.value(t) for j, t in enumerate(types)]
            rows.append(f"({i}, {i % 2}, " + ", ".join(cells) + ")")
        cols = ", ".join(f"a{j}" for j in range(nargs))
        source = f"(VALUES {', '.join(rows)}) v(i, g, {cols})" + (" WHERE false" if n_rows == 0 else "")
        call = f"clv.{name}({cols})"
        shape = r.randrange(4)
        if shape == 0:
            sql = f"SELECT ({call})::text FROM {source}"
        elif shape == 1:
            frame = r.choice(["ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW",
                              "ROWS BETWEEN 2 PRECEDING AND CURRENT ROW",
                              "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING"])
            sql = f"SELECT string_agg(w::text, ' | ') FROM (SELECT ({call} OVER (ORDER BY i {frame}))::text AS w FROM {source}) x"
        elif shape == 2:
            sql = f"SELECT ({call} FILTER (WHERE i % 3 <> 1))::text FROM {source}"
        else:
            sql = f"SELECT g, ({call})::text FROM {source} GROUP BY GROUPING SETS ((g), ())"
        self.run(sql)

    def receive(self, type_name):
        """Random or damaged bytes through the type's binary receive function."""
        r = self.rng
        valid = self.send_forms.get(type_name) or [b""]
        payload = bytearray(r.choice(valid))
        roll = r.random()
        if roll < 0.25:
            payload = bytearray(r.getrandbits(8) for _ in range(r.randint(0, 64)))
        elif roll < 0.5 and payload:
            for _ in range(r.randint(1, 4)):
                payload[r.randrange(len(payload))] = r.getrandbits(8)
        elif roll < 0.65:
            payload = payload[: r.randrange(len(payload) + 1)]
        elif roll < 0.8:
            payload += bytes(r.getrandbits(8) for _ in range(r.randint(1, 16)))
        elif roll < 0.85 and len(payload) > 8:
            i = r.randrange(len(payload) - 8)
            payload[i:i + 8] = r.choice([b"\xff" * 8, b"\x00" * 8, struct.pack("<d", float("nan")),
                                         struct.pack("<d", 1e308), struct.pack("<Q", 2 ** 63)])
        elif roll < 0.9 and len(payload) > 9:
            # An extreme double over one field: a parameter, a log-likelihood, a count.
            for _ in range(r.randint(1, 2)):
                i = 1 + 8 * r.randrange((len(payload) - 1) // 8)
                payload[i:i + 8] = struct.pack("<d", r.choice(EXTREME_DOUBLES))
        data = (b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0) + struct.pack("!hi", 1, len(payload))
                + bytes(payload) + struct.pack("!h", -1))
        table = f"fuzz.recv_{type_name[4:]}"
        self.run(f"TRUNCATE {table}", check_values=False)
        if self.run(f"COPY {table} FROM STDIN (FORMAT binary)", copy_data=data) is not None:
            # It was accepted: the value must print and read back.
            self.run(f"SELECT v::text FROM {table}")
            self.run(f"SELECT v::text::{type_name}::text = v::text FROM {table}")

    def load_send_forms(self):
        self.send_forms = {}
        with self.conn.cursor() as cur:
            for type_name in self.stored_types:
                cur.execute(f"CREATE TABLE IF NOT EXISTS fuzz.recv_{type_name[4:]} (v {type_name})")
                send = self.send_functions[type_name]
                cur.execute(f"SELECT {send}(f.value::{type_name}) FROM fuzz.fixtures f WHERE f.type_name = %s",
                            (type_name,))
                self.send_forms[type_name] = [bytes(r[0]) for r in cur.fetchall()]

    def crashes_in_log(self):
        try:
            with open(self.server_log, "rb") as f:
                f.seek(self.log_offset)
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if "terminated by signal" in line or "PANIC" in line]

    def fuzz(self, calls):
        self.load_send_forms()
        targets = ([("f", f) for f in self.functions] + [("a", a) for a in self.aggregates]
                   + [("r", t) for t in self.stored_types])
        started = time.monotonic()
        covered = set()
        while self.calls < calls:
            kind, target = self.rng.choice(targets)
            covered.add((kind, target[0] if kind != "r" else target))
            if kind == "f":
                self.call_function(target)
            elif kind == "a":
                self.call_aggregate(target)
            else:
                self.receive(target)
        for line in self.crashes_in_log():
            self.fail("crash", "(see the server log)", line)
        elapsed = time.monotonic() - started
        errors = ", ".join(f"{code} {n}" for code, n in sorted(self.outcomes.items()))
        print(f"fuzz: seed {self.seed}: {self.calls} calls in {elapsed:.0f} s on {len(self.functions)} functions, "
              f"{len(self.aggregates)} aggregates and {len(self.stored_types)} receive functions; outcomes: {errors}")
        for seconds, sql in sorted(self.slow, reverse=True)[:5]:
            print(f"fuzz: slow but ended: {seconds:.1f} s: {sql[:300]}")
        print(f"fuzz: {self.calls - len(self.failures)} passed, {len(self.failures)} failed; "
              f"{len(self.slow)} took over {TIMEOUT_MS / 1000:g} s and ended when run again")
        return not self.failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--server-log", required=True)
    args = parser.parse_args()
    ok = Fuzzer(args.dsn, args.seed, args.server_log).fuzz(args.calls)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
