#!/usr/bin/env bash
# Benchmark peer: Miller. One `mlr` pipeline trims, lower-cases and validates the email, sends
# rejects to rejects.ndjson (print >), keeps the first row per email and builds the contact; awk then
# cuts the JSON Lines into 1000-contact chunk files. Usage: peer_miller.sh INPUT OUTDIR
set -euo pipefail
input=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/chunks"
pattern=$(python3 -c "import sys; sys.path.insert(0, '$here'); from benchlib import EMAIL_PATTERN; print(EMAIL_PATTERN)")
if [[ $input == *.gz ]]; then informat=(--ijsonl --gzin); else informat=(--icsv); fi
dsl='
  row = NR;
  email = tolower(strip(is_absent($Email) ? "" : string($Email)));
  if (!(email =~ "'"${pattern//\"/\\\"}"'")) {
    print > "'"$out"'/rejects.ndjson", json_stringify({"row": row, "reason": "invalid_email", "email": email});
    filter false;
  } elif (is_present(@seen[email])) {
    filter false;
  } else {
    @seen[email] = 1;
    c = {"identifiers": [{"type": "email", "id": email,
          "channels": {"email": {"status": "subscribed", "statusDate": "2026-01-01T00:00:00Z"}},
          "sendWelcomeMessage": false}]};
    for (k, col in {"firstName": "FirstName", "lastName": "LastName", "address": "Address1", "city": "City",
                    "state": "StateOrProvince", "country": "Country", "postalCode": "PostalCode"}) {
      if (is_not_null($[col])) { c[k] = string($[col]) }
    }
    if (is_not_null($Segment)) { c["tags"] = ["segment: " . $Segment] }
    p = {};
    if (is_not_null($LoyaltyTier)) { p["loyaltyTier"] = string($LoyaltyTier) }
    if (is_not_null($TotalSpend)) { p["totalSpend"] = float($TotalSpend) }
    if (length(p) > 0) { c["customProperties"] = p }
    $* = c;
    filter true;
  }
'
mlr -S "${informat[@]}" --ojsonl put "$dsl" "$input" |
  awk -v dir="$out/chunks" '
    function open_chunk() { n++; f = sprintf("%s/chunk-%06d.json", dir, n); printf "{\"method\":\"POST\",\"endpoint\":\"contacts\",\"items\":[\n" > f }
    function close_chunk() { printf "\n]}\n" > f; close(f) }
    { if (i % 1000 == 0) { if (i > 0) close_chunk(); open_chunk() } else printf ",\n" > f; printf "%s", $0 > f; i++ }
    END { if (i > 0) close_chunk() }'
