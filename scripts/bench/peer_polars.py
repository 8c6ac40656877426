#!/usr/bin/env python3
"""Benchmark peer: polars (whole file in memory, vectorised). Usage: peer_polars.py INPUT OUTDIR"""
import gzip, io, os, sys
import polars as pl
from benchlib import EMAIL_PATTERN, STATUS_DATE, STRING_FIELDS, ChunkWriter

COLUMNS = ["CustomerId", "Email", "FirstName", "LastName", "Address1", "City", "StateOrProvince",
           "Country", "PostalCode", "Phone", "Gender", "BirthDate", "LoyaltyTier", "TotalSpend", "Segment"]


def load(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            data = f.read()
        schema = {c: pl.String for c in COLUMNS}
        schema["TotalSpend"] = pl.Float64
        df = pl.read_ndjson(io.BytesIO(data), schema=schema)
        return df.with_columns(pl.col("TotalSpend").cast(pl.String))
    return pl.read_csv(path, infer_schema=False)


def jstr(expr):
    """A string column as JSON string literals."""
    return pl.concat_str([pl.lit('"'), expr.str.replace_all("\\", "\\\\", literal=True)
                          .str.replace_all('"', '\\"', literal=True).str.replace_all("\n", "\\n", literal=True)
                          .str.replace_all("\r", "\\r", literal=True).str.replace_all("\t", "\\t", literal=True),
                          pl.lit('"')])


def optional(key, col, value):
    return pl.when(pl.col(col).is_not_null() & (pl.col(col) != "")).then(
        pl.concat_str([pl.lit(f',"{key}":'), value])).otherwise(pl.lit(""))


def main(path, out):
    os.makedirs(out, exist_ok=True)
    df = load(path).with_row_index("row", offset=1)
    df = df.with_columns(pl.col("Email").fill_null("").str.strip_chars().str.to_lowercase().alias("email"))
    df = df.with_columns(pl.col("email").str.contains(EMAIL_PATTERN).alias("valid"))
    df.filter(~pl.col("valid")).select(
        pl.col("row"), pl.lit("invalid_email").alias("reason"), pl.col("email")).write_ndjson(
        os.path.join(out, "rejects.ndjson"))
    kept = df.filter(pl.col("valid")).unique(subset="email", keep="first", maintain_order=True)
    spend = pl.col("TotalSpend").cast(pl.Float64, strict=False)
    props_parts = pl.concat_str([
        pl.when(pl.col("LoyaltyTier").fill_null("") != "").then(
            pl.concat_str([pl.lit('"loyaltyTier":'), jstr(pl.col("LoyaltyTier"))])).otherwise(pl.lit("")),
        pl.when(spend.is_not_null()).then(
            pl.concat_str([pl.when(pl.col("LoyaltyTier").fill_null("") != "").then(pl.lit(",")).otherwise(pl.lit("")),
                           pl.lit('"totalSpend":'), spend.cast(pl.String)])).otherwise(pl.lit(""))])
    contact = pl.concat_str(
        [pl.lit('{"identifiers":[{"type":"email","id":'), jstr(pl.col("email")),
         pl.lit(',"channels":{"email":{"status":"subscribed","statusDate":"' + STATUS_DATE
                + '"}},"sendWelcomeMessage":false}]')]
        + [optional(key, col, jstr(pl.col(col))) for key, col in STRING_FIELDS]
        + [optional("tags", "Segment", pl.concat_str([pl.lit('["'), jstr(pl.lit("segment: ") + pl.col("Segment"))
                                                        .str.slice(1), pl.lit("]")])),
           pl.when(props_parts != "").then(pl.concat_str([pl.lit(',"customProperties":{'), props_parts, pl.lit("}")]))
           .otherwise(pl.lit("")),
           pl.lit("}")])
    items = kept.select(contact.alias("c"))["c"].to_list()
    writer = ChunkWriter(out)
    writer.add_many([s.encode("utf-8") for s in items])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
