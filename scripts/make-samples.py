#!/usr/bin/env python3
"""Writes the bundled sample exports in samples/exports/ (deterministic: same bytes every time).

They show the quirks real segment exports have: a UTF-8 BOM, CRLF line ends, a quoted field with
a newline inside, Romanian diacritics, CJK and emoji, duplicates that differ only in case and
spaces, invalid and missing emails, a ragged row, and invalid UTF-8. Each person has an email
consent (`yes`, `no`, `unsubscribed`) and the date of that decision, empty where the export has none.
"""
import gzip, io, json, os, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "samples", "exports")
COLUMNS = ["CustomerId", "Email", "FirstName", "LastName", "Address1", "City", "StateOrProvince",
           "Country", "PostalCode", "Phone", "Gender", "BirthDate", "LoyaltyTier", "TotalSpend", "Segment",
           "EmailConsent", "ConsentDate"]

ROWS = [
    ["C001", "ana.popescu@example.ro", "Ana", "Popescu", "Strada Ștefan cel Mare 12", "Iași", "Iași", "România", "700001", "+40 721 000 111", "F", "1990-04-12", "Gold", "1250.50", "VIP", "yes", "2024-03-05T09:30:00Z"],
    ["C002", "  Ion.Ionescu@Example.RO ", "ION", "IONESCU", "Bd. Unirii 5, ap. 3", "București", "", "Romania", "030167", "0721 000 222", "M", "1985-11-30", "Silver", "310", "VIP", "yes", "2023-11-12T18:04:00Z"],
    ["C003", "yuki.tanaka@example.jp", "由紀", "田中", "東京都千代田区1-1", "東京", "東京都", "Japan", "100-0001", "+81 3 1234 5678", "f", "1992-02-29", "Gold", "88000", "Asia", "unsubscribed", ""],
    ["C004", "emoji.fan@example.com", "Zoë 🎉", "O'Brien", "1 \"Quoted\" Lane", "Dublin", "", "Ireland", "D02 X285", "", "", "", "Bronze", "12.00", "Newsletter", "no", ""],
    ["C005", "not-an-email", "Bad", "Address", "", "", "", "", "", "", "", "", "", "", "Newsletter", "yes", "2024-01-01T00:00:00Z"],
    ["C006", "", "No", "Email", "", "Cluj-Napoca", "Cluj", "RO", "400000", "", "M", "", "", "", "Newsletter", "no", ""],
    ["C007", "ana.popescu@example.ro", "Ana", "Popescu-Duplicate", "", "Iași", "", "RO", "", "", "F", "", "Gold", "1", "VIP", "yes", "2025-01-20T08:00:00Z"],
    ["C008", "multi.line@example.com", "Mary", "Line", "Apartment 4\nSecond floor", "Boston", "MA", "United States", "02108", "+1 617 555 0100", "F", "1979-07-04", "Silver", "99.95", "VIP", "yes", "2022-06-30T12:00:00Z"],
    ["C009", "ION.IONESCU@EXAMPLE.RO", "Ion", "Ionescu", "", "București", "", "Romania", "", "", "M", "", "Silver", "5", "VIP", "no", "2025-02-01T10:00:00Z"],
    ["C010", "a..b@example.com", "Double", "Dot", "", "", "", "", "", "", "", "", "", "", "Newsletter", "no", ""],
    ["C011", "şerban.ţiriac@exemplu.ro", "Șerban", "Țiriac", "Str. Mărășești 1", "Brașov", "Brașov", "România", "500001", "", "M", "1970-01-01", "Bronze", "0", "Newsletter", "unsubscribed", "2025-06-01T10:00:00Z"],
    ["C012", "user@localhost", "No", "Dot", "", "", "", "", "", "", "", "", "", "", "Newsletter", "no", ""],
    ["C013", "李.明@例子.中国", "明", "李", "北京市", "北京", "", "China", "100000", "", "m", "1988-08-08", "Gold", "5000", "Asia", "yes", "2024-12-24T00:00:00Z"],
]

def csv_field(v):
    if any(c in v for c in ',"\r\n') or v != v.strip():
        return '"' + v.replace('"', '""') + '"'
    return v

def csv_text(rows, eol="\r\n"):
    lines = [",".join(COLUMNS)] + [",".join(csv_field(v) for v in r) for r in rows]
    return eol.join(lines) + eol

def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)

def main():
    os.makedirs(OUT, exist_ok=True)
    # CSV: BOM, CRLF, one ragged row and one row with invalid UTF-8 appended.
    body = csv_text(ROWS).encode("utf-8")
    body += b"C014,ragged@example.com,Too,Few\r\n"
    body += b"C015,latin1@example.com,Jos\xe9,Garc\xeda,,,,,,,,,,,Newsletter,yes,2024-02-02T10:00:00Z\r\n"
    write("segment-small.csv", b"\xef\xbb\xbf" + body)

    # NDJSON.gz: the same people as objects (nested address, numbers, booleans, null), one
    # line that is not an object and one that is not JSON; two gzip members (as `cat a.gz b.gz`).
    lines = []
    for r in ROWS:
        d = dict(zip(COLUMNS, r))
        obj = {"CustomerId": d["CustomerId"], "Email": d["Email"], "FirstName": d["FirstName"],
               "LastName": d["LastName"],
               "Address": {"Line1": d["Address1"], "City": d["City"], "State": d["StateOrProvince"],
                           "Country": d["Country"], "PostalCode": d["PostalCode"]},
               "Phone": d["Phone"] or None, "Gender": d["Gender"], "BirthDate": d["BirthDate"],
               "LoyaltyTier": d["LoyaltyTier"],
               "TotalSpend": float(d["TotalSpend"]) if d["TotalSpend"] else None,
               "Segment": d["Segment"], "Vip": d["Segment"] == "VIP",
               "Consent": {"Email": d["EmailConsent"], "Date": d["ConsentDate"] or None}}
        lines.append(json.dumps(obj, ensure_ascii=False))
    lines.insert(5, "[1, 2, 3]")
    lines.insert(9, '{"Email": "broken@example.com", ')
    half = len(lines) // 2
    part1 = ("\n".join(lines[:half]) + "\n").encode("utf-8")
    part2 = ("\n".join(lines[half:]) + "\n").encode("utf-8")
    write("segment-small.ndjson.gz",
          gzip.compress(part1, mtime=0) + gzip.compress(part2, mtime=0))

    # A zip of part files, as Customer Insights writes a large export: two CSV parts (LF line
    # ends, no BOM), a readme that is skipped with a warning.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, rows in (("part-0002.csv", ROWS[7:]), ("part-0001.csv", ROWS[:7])):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, csv_text(rows, eol="\n").encode("utf-8"))
        info = zipfile.ZipInfo("README.pdf", date_time=(2026, 1, 1, 0, 0, 0))
        z.writestr(info, b"%PDF-1.4 not an export\n")
    write("segment-bundle.zip", buf.getvalue())

if __name__ == "__main__":
    main()
