"""Turns the SQL examples of the documentation into pg_regress tests, so that every example
is executed and its printed output checked.

In a Markdown file, a ```sql block is an example; when a ```text block follows it directly
(blank lines aside), that block is the exact psql output the example must print, so a block
holds at most one statement that prints a result (psql prints it right after the statement). Examples
run in file order in one session, from the repository root (so `\i sql/segments.sql`
works; the included file is not echoed); a file whose first line is
`<!-- docs-test: skip -->` is ignored.

    python3 scripts/docs_to_regress.py OUTDIR README.md docs/*.md

writes OUTDIR/sql/docs_<name>.sql, OUTDIR/expected/docs_<name>.out and OUTDIR/schedule.
"""
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FENCE = re.compile(r"^```(\w*)\s*$")


def blocks(markdown):
    """(language, lines) of each fenced block, in order."""
    found, lines, language = [], None, None
    for line in markdown.splitlines():
        fence = FENCE.match(line)
        if lines is None and fence:
            lines, language = [], fence.group(1)
        elif lines is not None and line.rstrip() == "```":
            found.append((language, lines))
            lines = None
        elif lines is not None:
            lines.append(line)
    return found


def test_case(markdown, schema):
    """The psql input and the output pg_regress must see (psql -a echoes every non-empty
    input line, then prints each result followed by an empty line). Each file runs in a
    schema of its own, with ISO dates and UTC times as in the docs."""
    preamble = [f"\\cd {REPO}", f"CREATE SCHEMA {schema};", f"SET search_path = {schema}, public;", "SET datestyle = 'ISO';", "SET timezone = 'UTC';"]
    sql, expected = list(preamble), list(preamble)
    found = blocks(markdown)
    for i, (language, lines) in enumerate(found):
        if language != "sql":
            continue
        for line in lines:
            if line.startswith("\\i "):
                # Run an included file without echoing it: only the first line shows.
                sql += ["\\set ECHO none", line, "\\set ECHO all"]
                expected.append("\\set ECHO none")
            else:
                sql.append(line)
                if line.strip():
                    expected.append(line)
        sql.append("")
        following = found[i + 1] if i + 1 < len(found) else None
        if following and following[0] == "text":
            expected += following[1] + [""]
    return "\n".join(sql), "\n".join(expected) + "\n"


def main():
    outdir, sources = sys.argv[1], sys.argv[2:]
    os.makedirs(os.path.join(outdir, "sql"), exist_ok=True)
    os.makedirs(os.path.join(outdir, "expected"), exist_ok=True)
    names = []
    for source in sources:
        with open(source) as f:
            markdown = f.read()
        if markdown.startswith("<!-- docs-test: skip -->"):
            continue
        name = "docs_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(source))[0].lower())
        if not any(language == "sql" for language, _ in blocks(markdown)):
            continue
        sql, expected = test_case(markdown, name)
        header = f"-- generated from {source} by scripts/docs_to_regress.py\n"
        with open(os.path.join(outdir, "sql", name + ".sql"), "w") as f:
            f.write(header + sql)
        with open(os.path.join(outdir, "expected", name + ".out"), "w") as f:
            f.write(header + expected)
        names.append(name)
    with open(os.path.join(outdir, "schedule"), "w") as f:
        f.writelines(f"test: {name}\n" for name in names)


if __name__ == "__main__":
    main()
