#!/usr/bin/env python3
"""Benchmark peer: DuckDB (Python API; SQL does the work, Python only writes the chunk files).
Usage: peer_duckdb.py INPUT OUTDIR"""
import os, sys
import duckdb
from benchlib import EMAIL_PATTERN, STATUS_DATE, STRING_FIELDS, ChunkWriter

COLUMNS = ["CustomerId", "Email", "FirstName", "LastName", "Address1", "City", "StateOrProvince",
           "Country", "PostalCode", "Phone", "Gender", "BirthDate", "LoyaltyTier", "TotalSpend", "Segment"]


def source(path):
    if path.endswith(".gz"):
        cols = ", ".join(f"'{c}': '{'DOUBLE' if c == 'TotalSpend' else 'VARCHAR'}'" for c in COLUMNS)
        return f"read_json('{path}', format='newline_delimited', compression='gzip', columns={{{cols}}})"
    return f"read_csv('{path}', header=true, all_varchar=true, quote='\"', escape='\"', delim=',')"


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def optional(key, col):
    return f"CASE WHEN coalesce({col}, '') <> '' THEN ',\"{key}\":' || to_json({col}) ELSE '' END"


def main(path, out):
    os.makedirs(out, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"""CREATE TEMP TABLE src AS
        SELECT row_number() OVER () AS rownum, *, lower(trim(coalesce(Email, ''))) AS norm_email,
               regexp_full_match(lower(trim(coalesce(Email, ''))), {sql_str(EMAIL_PATTERN)}) AS valid
        FROM {source(path)}""")
    con.execute(f"""COPY (SELECT rownum AS "row", 'invalid_email' AS reason, norm_email AS email FROM src WHERE NOT valid ORDER BY rownum)
                    TO '{os.path.join(out, 'rejects.ndjson')}' (FORMAT json)""")
    spend = "TRY_CAST(TotalSpend AS DOUBLE)"
    tier = "coalesce(LoyaltyTier, '') <> ''"
    props = (f"(CASE WHEN {tier} THEN '\"loyaltyTier\":' || to_json(LoyaltyTier) ELSE '' END || "
             f"CASE WHEN {spend} IS NOT NULL THEN (CASE WHEN {tier} THEN ',' ELSE '' END) || "
             f"'\"totalSpend\":' || to_json({spend}) ELSE '' END)")
    contact = " || ".join(
        [sql_str('{"identifiers":[{"type":"email","id":') + " || to_json(norm_email) || "
         + sql_str(',"channels":{"email":{"status":"subscribed","statusDate":"' + STATUS_DATE
                   + '"}},"sendWelcomeMessage":false}]')]
        + [optional(key, col) for key, col in STRING_FIELDS]
        + [f"CASE WHEN coalesce(Segment, '') <> '' THEN ',\"tags\":[' || to_json('segment: ' || Segment) || ']' ELSE '' END",
           f"CASE WHEN {props} <> '' THEN ',\"customProperties\":{{' || {props} || '}}' ELSE '' END",
           "'}'"])
    cur = con.execute(f"""SELECT {contact} FROM (
            SELECT *, row_number() OVER (PARTITION BY norm_email ORDER BY rownum) AS n FROM src WHERE valid)
        WHERE n = 1 ORDER BY rownum""")
    writer = ChunkWriter(out)
    while True:
        rows = cur.fetchmany(100_000)
        if not rows:
            break
        writer.add_many([r[0].encode("utf-8") for r in rows])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
