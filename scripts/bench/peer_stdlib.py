#!/usr/bin/env python3
"""Benchmark peer: Python standard library only (csv, json, gzip). Usage: peer_stdlib.py INPUT OUTDIR"""
import csv, gzip, io, json, os, sys
from benchlib import EMAIL_RE, ChunkWriter, contact


def records(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)
    else:
        with open(path, encoding="utf-8-sig", newline="") as f:
            yield from csv.DictReader(f)


def main(path, out):
    os.makedirs(out, exist_ok=True)
    chunks, seen = ChunkWriter(out), set()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(os.path.join(out, "rejects.ndjson"), "w", encoding="utf-8") as rejects:
        for row, rec in enumerate(records(path), 1):
            email = (rec.get("Email") or "").strip().lower()
            if not EMAIL_RE.match(email):
                rejects.write(dumps({"row": row, "reason": "invalid_email", "email": email}) + "\n")
                continue
            if email in seen:
                continue
            seen.add(email)
            chunks.add(dumps(contact(rec, email)).encode("utf-8"))
    chunks.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
