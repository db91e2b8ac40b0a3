#!/usr/bin/env bash
# Prints a few curl commands against the local API with fresh dev tokens.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/bin/stylegraph"
PORT="${HTTP_ADDR##*:}"; PORT="${PORT:-8080}"
BASE="http://localhost:$PORT"
SHOPPER=$("$BIN" token --sub 1 --role shopper --ttl 24h)
MERCH=$("$BIN" token --sub 2 --role merchandiser --ttl 24h)
cat <<TXT

stylegraph is starting on $BASE. Try:

  curl -s $BASE/readyz
  export TOKEN=$SHOPPER
  curl -s -H "Authorization: Bearer \$TOKEN" $BASE/v1/me
  curl -s -H "Authorization: Bearer \$TOKEN" "$BASE/v1/feed?limit=5"
  curl -s -H "Authorization: Bearer \$TOKEN" "$BASE/v1/search?q=black+sneakers"
  curl -s -H "Authorization: Bearer $MERCH" $BASE/v1/me     # a merchandiser

Mint more tokens with: bin/stylegraph token --sub 42 --role shopper --ttl 1h
TXT
