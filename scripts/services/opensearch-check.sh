#!/usr/bin/env bash
# Proof that the OpenSearch started by scripts/services/opensearch.sh has the
# core modules this project relies on, exercised end to end with curl:
#   - _nodes/plugins lists analysis-common, mapper-extras, lang-painless,
#     reindex and transport-netty4 as modules
#   - a temp index using the cjk analyzer, an inline synonym_graph filter, an
#     edge_ngram tokenizer, a stemmer, search_as_you_type, rank_feature and
#     scaled_float fields; one doc indexed and found by a synonym match, a
#     cjk match, a bool_prefix query on the search_as_you_type field and a
#     rank_feature query; painless execute; _reindex into a second index
#   - the temp indices are deleted again (also on failure)
#
# Usage: scripts/services/opensearch-check.sh   (OPENSEARCH_PORT, default 9200)
set -euo pipefail

PORT=${OPENSEARCH_PORT:-9200}
BASE=${OPENSEARCH_URL:-http://127.0.0.1:$PORT}
IDX=stylegraph-check-$$-$RANDOM
IDX2=$IDX-copy
PASSED=0

command -v curl >/dev/null 2>&1 || { echo "[opensearch-check] ERROR: curl is required" >&2; exit 1; }

fail() {
  printf '[opensearch-check] FAIL: %s\n' "$1" >&2
  [[ -n ${2:-} ]] && printf '%s\n' "$2" | head -c 2000 >&2 && echo >&2
  exit 1
}
ok() { PASSED=$(( PASSED + 1 )); printf '[opensearch-check] ok: %s\n' "$1"; }

# req METHOD PATH [JSON] -> body on stdout; fails on a non-2xx status.
req() {
  local method=$1 path=$2 body=${3:-} out code
  local args=(-sS -m 30 -X "$method" -w '\n%{http_code}' "$BASE$path")
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  out=$(curl "${args[@]}") || fail "$method $path: no answer from $BASE"
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  [[ $code == 2* ]] || fail "$method $path -> HTTP $code" "$out"
  printf '%s' "$out"
}

# expect LABEL BODY FIXED-STRING
expect() {
  [[ $2 == *"$3"* ]] || fail "$1 (expected $3)" "$2"
  ok "$1"
}

cleanup() {
  curl -sS -m 10 -o /dev/null -X DELETE "$BASE/$IDX,$IDX2?ignore_unavailable=true" 2>/dev/null || true
}
trap cleanup EXIT

# 1. modules -----------------------------------------------------------------
mods=$(req GET '/_nodes/plugins?filter_path=nodes.*.modules.name')
for m in analysis-common mapper-extras lang-painless reindex transport-netty4; do
  expect "module $m loaded" "$mods" "\"name\":\"$m\""
done

# 2. index with analysis-common + mapper-extras features ----------------------
req PUT "/$IDX" '{
  "settings": {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
      "filter": {
        "sg_synonyms": { "type": "synonym_graph", "synonyms": ["sneakers, trainers, running shoes"] },
        "sg_stem": { "type": "stemmer", "language": "english" }
      },
      "tokenizer": {
        "sg_edge": { "type": "edge_ngram", "min_gram": 2, "max_gram": 5, "token_chars": ["letter", "digit"] }
      },
      "analyzer": {
        "sg_index": { "type": "custom", "tokenizer": "standard", "filter": ["lowercase", "sg_stem"] },
        "sg_search": { "type": "custom", "tokenizer": "standard", "filter": ["lowercase", "sg_synonyms", "sg_stem"] },
        "sg_edge": { "type": "custom", "tokenizer": "sg_edge", "filter": ["lowercase"] }
      }
    }
  },
  "mappings": {
    "properties": {
      "title": { "type": "text", "analyzer": "sg_index", "search_analyzer": "sg_search" },
      "title_cjk": { "type": "text", "analyzer": "cjk" },
      "title_edge": { "type": "text", "analyzer": "sg_edge", "search_analyzer": "standard" },
      "suggest": { "type": "search_as_you_type" },
      "popularity": { "type": "rank_feature" },
      "price": { "type": "scaled_float", "scaling_factor": 100 }
    }
  }
}' >/dev/null
ok "created index $IDX (cjk, synonym_graph, edge_ngram, stemmer, search_as_you_type, rank_feature, scaled_float)"

an=$(req POST "/$IDX/_analyze?filter_path=tokens.token" '{"analyzer": "sg_edge", "text": "Leather"}')
expect "edge_ngram tokenizer" "$an" '"token":"lea"'
an=$(req POST "/$IDX/_analyze?filter_path=tokens.token" '{"analyzer": "cjk", "text": "東京の白い"}')
expect "cjk analyzer emits bigrams" "$an" '"token":"東京"'

req PUT "/$IDX/_doc/1?refresh=true" '{
  "title": "White leather trainers",
  "title_cjk": "東京の白いスニーカー",
  "title_edge": "Leather",
  "suggest": "white leather trainers",
  "popularity": 42,
  "price": 79.99
}' >/dev/null
ok "indexed a document"

F='filter_path=hits.total.value,hits.hits._id'
r=$(req POST "/$IDX/_search?$F" '{"query": {"match": {"title": "sneakers"}}}')
expect "match via synonym_graph (sneakers -> trainers)" "$r" '"value":1'

r=$(req POST "/$IDX/_search?$F" '{"query": {"match": {"title_cjk": "スニーカー"}}}')
expect "match via cjk analyzer" "$r" '"value":1'

r=$(req POST "/$IDX/_search?$F" '{"query": {"match": {"title_edge": "lea"}}}')
expect "match via edge_ngram" "$r" '"value":1'

r=$(req POST "/$IDX/_search?$F" '{"query": {"multi_match": {"query": "white lea", "type": "bool_prefix",
  "fields": ["suggest", "suggest._2gram", "suggest._3gram"]}}}')
expect "bool_prefix on search_as_you_type" "$r" '"value":1'

r=$(req POST "/$IDX/_search?$F" '{"query": {"bool": {
  "must": {"rank_feature": {"field": "popularity", "saturation": {"pivot": 10}}},
  "filter": {"range": {"price": {"gte": 79.99, "lte": 80}}}}}}')
expect "rank_feature query (+ scaled_float range)" "$r" '"value":1'

# 3. lang-painless and reindex ------------------------------------------------
r=$(req POST /_scripts/painless/_execute '{"script": {"source": "params.a * 2", "params": {"a": 21}}}')
expect "painless script execution" "$r" '"result":"42"'

r=$(req POST '/_reindex?refresh=true' "{\"source\": {\"index\": \"$IDX\"}, \"dest\": {\"index\": \"$IDX2\"}}")
expect "_reindex" "$r" '"created":1'

# 4. cleanup -------------------------------------------------------------------
req DELETE "/$IDX,$IDX2" >/dev/null
ok "deleted temp indices"
trap - EXIT

printf '[opensearch-check] all %d checks passed against %s\n' "$PASSED" "$BASE"
