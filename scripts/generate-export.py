#!/usr/bin/env python3
"""Writes a synthetic unified-profile export for the benchmark (issue 5), at any size.

    scripts/generate-export.py --rows N --seed S --format csv|ndjson.gz [--lines varied|uniform] --out PATH

Deterministic: the same rows, seed and format give the same bytes (gzip with mtime=0). Streaming:
rows are rendered in batches and written as they go, so memory stays constant at any size.

Columns (in this order): CustomerId, Email, FirstName, LastName, Address1, City, StateOrProvince,
Country, PostalCode, Phone, Gender, BirthDate, LoyaltyTier, TotalSpend, Segment.

The quirks real exports have:
- CSV: UTF-8 BOM, CRLF line ends, quoted fields with commas (~3% of addresses), with embedded
  newlines (~1% of addresses) and with doubled quotes; NDJSON: one flat object per line, LF,
  TotalSpend a JSON number (null when empty), the other fields strings. With `--lines varied`
  (the default) the lines vary as real exporters write them: 40% leave out their empty fields,
  10% list their keys in another order, 10% write every non-ASCII character as a `\\u` escape
  (both picked by the row number, so the data is the same as with `--lines uniform`, where every
  line has every key in column order).
- diacritics (Romanian ș ț ă î â, German, French), CJK and emoji names;
- 8% duplicate rows: the email of an earlier row differing only in case and surrounding spaces;
- 2% invalid emails: missing @, double dots, a space inside, a trailing dot;
- some empty fields (phone, state, gender, birth date, tier, spend).

Whether row m is a normal, duplicate or invalid row is a pure function of (seed, m), and so is
the email of the person behind row m; a duplicate row picks an earlier normal row and varies its
email. So every duplicate's key really occurs earlier, without remembering any rows.
"""
import argparse, gzip, random, sys

COLUMNS = ["CustomerId", "Email", "FirstName", "LastName", "Address1", "City", "StateOrProvince",
           "Country", "PostalCode", "Phone", "Gender", "BirthDate", "LoyaltyTier", "TotalSpend", "Segment"]

# (display name, ASCII slug for the email). Mostly plain names, then diacritics, CJK and emoji.
FIRST = [("Ana", "ana"), ("Ion", "ion"), ("Maria", "maria"), ("Andrei", "andrei"), ("Elena", "elena"),
         ("John", "john"), ("Mary", "mary"), ("James", "james"), ("Linda", "linda"), ("Robert", "robert"),
         ("Michael", "michael"), ("Sarah", "sarah"), ("David", "david"), ("Emma", "emma"), ("Olivia", "olivia"),
         ("Lucas", "lucas"), ("Sophie", "sophie"), ("Thomas", "thomas"), ("Laura", "laura"), ("Daniel", "daniel"),
         ("Anna", "anna"), ("Peter", "peter"), ("Julia", "julia"), ("Paul", "paul"), ("Emily", "emily"),
         ("Mark", "mark"), ("Alice", "alice"), ("George", "george"), ("Chloe", "chloe"), ("Adam", "adam"),
         ("Ștefan", "stefan"), ("Țiana", "tiana"), ("Mădălina", "madalina"), ("Ionuț", "ionut"),
         ("Răzvan", "razvan"), ("Brândușa", "brindusa"), ("Jürgen", "juergen"), ("Jörg", "joerg"),
         ("Müller", "muller"), ("Björn", "bjorn"), ("François", "francois"), ("Hélène", "helene"),
         ("Zoë", "zoe"), ("Anaïs", "anais"), ("Jérôme", "jerome"), ("Céline", "celine"),
         ("由紀", "yuki"), ("明", "ming"), ("太郎", "taro"), ("美咲", "misaki"), ("민준", "minjun"),
         ("Zoë 🎉", "zoe"), ("Ana 🌸", "ana"), ("Max 🚀", "max"), ("Li ✨", "li")]
LAST = [("Popescu", "popescu"), ("Ionescu", "ionescu"), ("Smith", "smith"), ("Johnson", "johnson"),
        ("Williams", "williams"), ("Brown", "brown"), ("Jones", "jones"), ("Miller", "miller"),
        ("Davis", "davis"), ("Wilson", "wilson"), ("Taylor", "taylor"), ("Anderson", "anderson"),
        ("Martin", "martin"), ("Thomas", "thomas"), ("Moore", "moore"), ("Clark", "clark"),
        ("Lewis", "lewis"), ("Walker", "walker"), ("Hall", "hall"), ("Young", "young"),
        ("Dumitru", "dumitru"), ("Stan", "stan"), ("Rusu", "rusu"), ("Munteanu", "munteanu"),
        ("O'Brien", "obrien"), ("Schmidt", "schmidt"), ("Weber", "weber"), ("Dubois", "dubois"),
        ("Moreau", "moreau"), ("Laurent", "laurent"),
        ("Țăranu", "taranu"), ("Mărculescu", "marculescu"), ("Brâncoveanu", "brancoveanu"),
        ("Ștefănescu", "stefanescu"), ("Îonescu", "ionescu"), ("Müller", "mueller"), ("Groß", "gross"),
        ("Schäfer", "schaefer"), ("Köhler", "koehler"), ("Lefèvre", "lefevre"), ("Bérénger", "berenger"),
        ("Girard-Ménard", "girard"), ("田中", "tanaka"), ("李", "li"), ("王", "wang"), ("김", "kim"),
        ("佐藤", "sato")]
DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "example.ro",
           "web.de", "gmx.de", "orange.fr", "free.fr", "yahoo.co.jp", "mail.example.com",
           "students.uni-example.ro", "contoso-retail.com", "fabrikam.example.de", "northwind-traders.fr"]
# (City, StateOrProvince, Country, postal code prefix, phone prefix)
PLACES = [("București", "", "Romania", "0", "+40 721 "), ("Iași", "Iași", "România", "70", "+40 732 "),
          ("Cluj-Napoca", "Cluj", "Romania", "40", "+40 744 "), ("Brașov", "Brașov", "România", "50", "+40 755 "),
          ("Timișoara", "Timiș", "Romania", "30", "+40 766 "), ("Berlin", "Berlin", "Germany", "10", "+49 30 "),
          ("München", "Bayern", "Deutschland", "80", "+49 89 "), ("Köln", "Nordrhein-Westfalen", "Germany", "50", "+49 221 "),
          ("Paris", "Île-de-France", "France", "75", "+33 1 "), ("Besançon", "Doubs", "France", "25", "+33 3 "),
          ("Lyon", "Auvergne-Rhône-Alpes", "France", "69", "+33 4 "), ("Boston", "MA", "United States", "02", "+1 617 "),
          ("New York", "NY", "United States", "10", "+1 212 "), ("Austin", "TX", "United States", "73", "+1 512 "),
          ("San Francisco", "CA", "United States", "94", "+1 415 "), ("Chicago", "IL", "United States", "60", "+1 312 "),
          ("London", "", "United Kingdom", "SW", "+44 20 "), ("Dublin", "", "Ireland", "D0", "+353 1 "),
          ("東京", "東京都", "Japan", "10", "+81 3 "), ("北京", "", "China", "10", "+86 10 ")]
STREETS = ["Strada Ștefan cel Mare", "Bd. Unirii", "Calea Victoriei", "Strada Mărășești", "Aleea Trandafirilor",
           "Hauptstraße", "Bahnhofstraße", "Königsallee", "Rue de la Paix", "Avenue des Champs-Élysées",
           "Rue Saint-Honoré", "Main Street", "Oak Avenue", "Elm Street", "Maple Drive", "Park Road",
           "High Street", "Church Lane", "Washington Blvd", "Sunset Boulevard", "千代田区丸の内",
           "朝阳区建国路", "1 \"Quoted\" Lane", "Market Street"]
UNIT_COMMA = [", ap. ", ", Apt ", ", Wohnung ", ", bât. "]
UNIT_NEWLINE = ["\nSecond floor", "\nEtaj 2", "\nHinterhaus", "\nc/o Reception"]
GENDERS = ["F", "M", "f", "m", "", "F", "M"]
TIERS = ["Bronze", "Silver", "Gold", "Platinum", "Bronze", "Silver", ""]
SEGMENTS = ["VIP customers", "Newsletter subscribers", "Winback 2025", "Lapsed 90 days", "High value (LTV > 1000)",
            "New customers", "Asia & Pacific", "Cart abandoners 30d"]

DUPLICATE_PER_10K = 800
INVALID_PER_10K = 200
MASK64 = (1 << 64) - 1


def csv_text(value):
    if value and (value[0] == " " or value[-1] == " " or any(c in value for c in ',"\r\n')):
        return '"' + value.replace('"', '""') + '"'
    return value


def ascii_json(text):
    """`text` (JSON) with every non-ASCII character written as a \\u escape (surrogate pairs above U+FFFF)."""
    out = []
    for c in text:
        o = ord(c)
        if o < 0x80:
            out.append(c)
        elif o < 0x10000:
            out.append("\\u%04x" % o)
        else:
            o -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)))
    return "".join(out)


def json_text(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


class Generator:
    """Renders rows; `kind(m)` and `email(m)` are pure functions of the seed and the row number."""

    def __init__(self, seed, fmt, varied=False):
        self.varied = varied
        self.salt = (seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & MASK64
        self.rnd = random.Random(seed)
        self.csv = fmt == "csv"
        enc = csv_text if self.csv else json_text
        self.first = [(enc(d), s) for d, s in FIRST]
        self.last = [(enc(d), s) for d, s in LAST]
        self.places = [(enc(c), enc(st), enc(co), p, ph) for c, st, co, p, ph in PLACES]
        self.genders = [enc(g) for g in GENDERS]
        self.tiers = [enc(t) for t in TIERS]
        self.segments = [enc(s) for s in SEGMENTS]

    def _hash(self, m):
        x = ((m ^ self.salt) * 0xBF58476D1CE4E5B9) & MASK64
        x ^= x >> 31
        x = (x * 0x94D049BB133111EB) & MASK64
        return x ^ (x >> 29)

    def kind(self, m):
        """0 normal, 1 duplicate of an earlier row, 2 invalid email. Row 1 is always normal."""
        if m <= 1:
            return 0
        h = self._hash(m) % 10000
        if h < DUPLICATE_PER_10K:
            return 1
        return 2 if h < DUPLICATE_PER_10K + INVALID_PER_10K else 0

    def person(self, m):
        h = self._hash(m) >> 16
        f = self.first[h % len(self.first)]
        l = self.last[(h >> 8) % len(self.last)]
        email = f"{f[1]}.{l[1]}.{m}@{DOMAINS[(h >> 16) % len(DOMAINS)]}"
        if (h >> 24) % 20 == 0:  # 5% are written in mixed case even the first time
            email = email.capitalize()
        return f, l, email

    def row(self, n):
        r = self.rnd.random
        g = "%032x" % self.rnd.getrandbits(128)
        cid = f"{g[:8]}-{g[8:12]}-4{g[13:16]}-{g[16:20]}-{g[20:]}"  # a GUID, as Customer Insights writes
        k = self.kind(n)
        if k == 1:
            m = n - 1 - int(r() * (n - 1))
            while self.kind(m) != 0:
                m = m - 1 if m > 1 else n - 1
            f, l, email = self.person(m)
            v = int(r() * 6)
            if v == 0: email = email.upper()
            elif v == 1: email = "  " + email.swapcase() + " "
            elif v == 2: email = " " + email
            elif v == 3: email = email.title() + "  "
            elif v == 4: email = email[0].swapcase() + email[1:]
            else: email = " " + email.upper() + " "
        else:
            f, l, email = self.person(n)
            if k == 2:
                v = int(r() * 4)
                at = email.index("@")
                if v == 0: email = email.replace("@", "", 1)
                elif v == 1: email = email.replace(".", "..", 1)
                elif v == 2: email = email[:at - 2] + " " + email[at - 2:]
                else: email = email + "."
        city, state, country, postal, phone = self.places[int(r() * len(self.places))]
        address = f"{STREETS[int(r() * len(STREETS))]} {1 + int(r() * 2400)}"
        u = r()
        if u < 0.03:
            address += UNIT_COMMA[int(u * 133) % 4] + str(1 + int(u * 10000) % 80)
        elif u < 0.04:
            address += UNIT_NEWLINE[int(u * 400) % 4]
        elif u > 0.985:
            address = ""
        u = r()
        postal = f"{postal}{int(u * 10000):04d}"
        phone = "" if u > 0.85 else f"{phone}{int(r() * 9000000) + 1000000}"
        if r() < 0.25:
            state = self.places[0][1]  # empty
        u = r()
        birth = "" if u > 0.8 else f"{1940 + int(r() * 66)}-{1 + int(u * 1200) % 12:02d}-{1 + int(r() * 28):02d}"
        u = r()
        spend = "" if u > 0.95 else f"{int(r() * 5e6) / 100:.2f}"
        gender = self.genders[int(r() * 7)]
        tier = self.tiers[int(r() * 7)]
        segment = self.segments[int(r() * 8)]
        if self.csv:
            return (f"{cid},{csv_text(email)},{f[0]},{l[0]},{csv_text(address)},{city},{state},{country},"
                    f"{postal},{phone},{gender},{birth},{tier},{spend},{segment}\r\n")
        if not self.varied:
            return (f'{{"CustomerId":"{cid}","Email":"{email}","FirstName":{f[0]},"LastName":{l[0]},'
                    f'"Address1":{json_text(address)},"City":{city},"StateOrProvince":{state},"Country":{country},'
                    f'"PostalCode":"{postal}","Phone":"{phone}","Gender":{gender},"BirthDate":"{birth}",'
                    f'"LoyaltyTier":{tier},"TotalSpend":{spend or "null"},"Segment":{segment}}}\n')
        pairs = [("CustomerId", f'"{cid}"'), ("Email", json_text(email)), ("FirstName", f[0]), ("LastName", l[0]),
                 ("Address1", json_text(address)), ("City", city), ("StateOrProvince", state), ("Country", country),
                 ("PostalCode", f'"{postal}"'), ("Phone", f'"{phone}"'), ("Gender", gender),
                 ("BirthDate", f'"{birth}"'), ("LoyaltyTier", tier), ("TotalSpend", spend or "null"),
                 ("Segment", segment)]
        h = (self._hash(n) >> 40) % 100  # not the row's random stream: the data stays the same
        if h < 40:  # empty fields left out
            pairs = [(k, v) for k, v in pairs if v not in ('""', "null")]
        if 40 <= h < 50:  # another key order
            pairs = pairs[7:] + pairs[:7]
        line = "{" + ",".join(f'"{k}":{v}' for k, v in pairs) + "}\n"
        return ascii_json(line) if 50 <= h < 60 else line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=["csv", "ndjson.gz"], required=True)
    ap.add_argument("--lines", choices=["varied", "uniform"], default="varied",
                    help="NDJSON only: lines as real exporters vary them (default), or every key on every line")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.rows < 0:
        ap.error("--rows must be at least 0")
    gen = Generator(a.seed, a.format, varied=a.format != "csv" and a.lines == "varied")
    if a.format == "csv":
        raw = open(a.out, "wb")
        out = raw
        out.write(b"\xef\xbb\xbf" + (",".join(COLUMNS) + "\r\n").encode())
    else:
        raw = open(a.out, "wb")
        out = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
    batch = 20000
    row = gen.row
    for start in range(1, a.rows + 1, batch):
        stop = min(start + batch, a.rows + 1)
        out.write("".join([row(n) for n in range(start, stop)]).encode("utf-8"))
    if out is not raw:
        out.close()
    raw.close()


if __name__ == "__main__":
    sys.exit(main())
