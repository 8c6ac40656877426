"""Shared by the Python peers of the benchmark: the email rule, the constant parts of the
contact and the chunk writer. Every peer does the same job (issue 5): trim and lower-case the
email and validate it with EMAIL_RE; keep the first row per email; map to the Omnisend v5
contact of pipelines/benchmark.yaml (empty source fields are left out); write 1000-contact chunk
files {"method":"POST","endpoint":"contacts","items":[...]} (one contact per line) and
rejects.ndjson."""
import os, re

EMAIL_PATTERN = (r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                 r"@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
EMAIL_RE = re.compile(EMAIL_PATTERN)
STATUS_DATE = "2026-01-01T00:00:00Z"
CHUNK_SIZE = 1000
# (output key, input column) of the plain string fields, in output order.
STRING_FIELDS = [("firstName", "FirstName"), ("lastName", "LastName"), ("address", "Address1"),
                 ("city", "City"), ("state", "StateOrProvince"), ("country", "Country"),
                 ("postalCode", "PostalCode")]


def identifiers(email):
    return [{"type": "email", "id": email,
             "channels": {"email": {"status": "subscribed", "statusDate": STATUS_DATE}},
             "sendWelcomeMessage": False}]


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


class ChunkWriter:
    """Writes contacts (each already JSON, as bytes) into OUT/chunks/chunk-NNNNNN.json."""

    HEAD = b'{"method":"POST","endpoint":"contacts","items":[\n'
    TAIL = b'\n]}\n'

    def __init__(self, out):
        self.dir = os.path.join(out, "chunks")
        os.makedirs(self.dir, exist_ok=True)
        self.items = []
        self.count = 0

    def add(self, item):
        self.items.append(item)
        if len(self.items) == CHUNK_SIZE:
            self.flush()

    def add_many(self, items):
        for start in range(0, len(items), CHUNK_SIZE):
            self.items = items[start:start + CHUNK_SIZE]
            self.flush()

    def flush(self):
        if not self.items:
            return
        self.count += 1
        with open(os.path.join(self.dir, f"chunk-{self.count:06d}.json"), "wb") as f:
            f.write(self.HEAD + b",\n".join(self.items) + self.TAIL)
        self.items = []


def contact(rec, email):
    """The benchmark mapping of one record (a dict from CSV or NDJSON) as an Omnisend contact."""
    c = {"identifiers": identifiers(email)}
    for key, col in STRING_FIELDS:
        v = rec.get(col)
        if v:
            c[key] = v
    if rec.get("Segment"):
        c["tags"] = ["segment: " + rec["Segment"]]
    props = {}
    if rec.get("LoyaltyTier"):
        props["loyaltyTier"] = rec["LoyaltyTier"]
    spend = rec.get("TotalSpend")
    if spend not in (None, "") and is_number(str(spend)):
        props["totalSpend"] = float(spend)
    if props:
        c["customProperties"] = props
    return c
