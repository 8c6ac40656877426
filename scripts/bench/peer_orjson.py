#!/usr/bin/env python3
"""Benchmark peer: Python + orjson (csv module for CSV, orjson for JSON in and out). Usage: peer_orjson.py INPUT OUTDIR"""
import csv, gzip, os, sys
import orjson
from benchlib import EMAIL_RE, ChunkWriter, contact


def records(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            for line in f:
                if line.strip():
                    yield orjson.loads(line)
    else:
        with open(path, encoding="utf-8-sig", newline="") as f:
            yield from csv.DictReader(f)


def main(path, out):
    os.makedirs(out, exist_ok=True)
    chunks, seen = ChunkWriter(out), set()
    dumps = orjson.dumps
    with open(os.path.join(out, "rejects.ndjson"), "wb") as rejects:
        for row, rec in enumerate(records(path), 1):
            email = (rec.get("Email") or "").strip().lower()
            if not EMAIL_RE.match(email):
                rejects.write(dumps({"row": row, "reason": "invalid_email", "email": email}) + b"\n")
                continue
            if email in seen:
                continue
            seen.add(email)
            chunks.add(dumps(contact(rec, email)))
    chunks.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
