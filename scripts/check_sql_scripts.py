#!/usr/bin/env python3
"""Released SQL scripts never change, and the next version's update script copies the module SQL
exactly.

1. Every install and update script of a released version (`sql/pg_clv--*.sql`, all but the
   update script to the version being built until that version is released) has the checksum
   `sql/released.sha256` freezes: a released script edited, or one missing from the list, fails.
2. Every function the update script to the version being built (re)defines,
   `CREATE OR REPLACE FUNCTION ...` through its closing `$$;`, is the module SQL's definition (in `src/**/*.sql`) word for
   word but for `OR REPLACE`: a fix cannot reach one and miss the other. (The upgrade test
   compares the whole updated catalog with a fresh install, which also covers the rest.)

    scripts/check_sql_scripts.py      # run by scripts/test.sh, stage 1
"""
import glob
import hashlib
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUNCTION = re.compile(r"^CREATE (?:OR REPLACE )?FUNCTION (\w+\([^)]*\)).*?^\$\$;$", re.M | re.S)


def version():
    with open(os.path.join(REPO, "Cargo.toml")) as f:
        return re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)


def functions(text):
    """{signature's first line: definition without OR REPLACE} of every function in text."""
    return {m.group(1): m.group(0).replace("CREATE OR REPLACE FUNCTION", "CREATE FUNCTION", 1)
            for m in FUNCTION.finditer(text)}


def main():
    failures = []
    unreleased = f"pg_clv--{{}}--{version()}.sql"
    with open(os.path.join(REPO, "sql", "released.sha256")) as f:
        frozen = {name: digest for digest, name in (line.split() for line in f if line.strip())}
    updates = []
    for path in sorted(glob.glob(os.path.join(REPO, "sql", "pg_clv--*.sql"))):
        name = os.path.basename(path)
        if re.fullmatch(unreleased.format(r"[\d.]+"), name):
            # The update to the version being built copies the module SQL; once the version is
            # released (its checksum frozen), it is also frozen.
            updates.append(path)
            if name not in frozen:
                continue
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if name not in frozen:
            failures.append(f"{name} is a released script missing from sql/released.sha256")
        elif frozen[name] != digest:
            failures.append(f"{name} changed after its release (sha256 {digest}, frozen {frozen[name]})")
    module = {}
    for path in glob.glob(os.path.join(REPO, "src", "**", "*.sql"), recursive=True):
        with open(path) as f:
            module.update(functions(f.read()))
    copies = 0
    for path in updates:
        with open(path) as f:
            for signature, definition in functions(f.read()).items():
                copies += 1
                if module.get(signature) != definition:
                    failures.append(f"{os.path.basename(path)}: {signature} is not the module SQL's definition")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"sql scripts: {len(frozen)} released scripts frozen, {copies} function copies in "
          f"{len(updates)} update script(s) to {version()} checked; {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
