# stylegraph: `make run` and `make test` are the two commands a new user needs.
SHELL := /bin/bash
GO ?= go
BIN := bin/stylegraph
HTTP_ADDR ?= :8080
export HTTP_ADDR

.PHONY: soak test-chaos chromium generate lint-api test-contract test-redis-cluster bench-catalog bench-ingest all build services services-down services-status migrate seed run test test-unit vet fmt bench clean test-fuzz bench-feeds bench-recs bench-search

all: build

# The version and commit `stylegraph version` prints (the Dockerfile stamps the same way).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/stylegraph

## services: start Redis, Neo4j and OpenSearch natively (idempotent)
services:
	@scripts/services.sh up

## services-down: stop only what `make services` started
services-down:
	@scripts/services.sh down

services-status:
	@scripts/services.sh status

migrate: build services
	$(BIN) migrate

seed: build services
	$(BIN) seed

## run: services, migrations, demo data, then the worker and the API on :8080
run: build services
	$(BIN) migrate
	$(BIN) seed
	@scripts/samples.sh
	@scripts/run.sh

## chromium: headless Chromium (Debian's package) for the console's browser tests
chromium:
	@scripts/chromium.sh >/dev/null

## test: services and Chromium if needed, then every test against them, then the Redis-backed packages against a Redis Cluster
test: services chromium
	$(GO) vet ./...
	$(GO) vet -tags chaos ./cmd/stylegraph/  # the chaos suite builds only with its tag
	$(GO) test -count=1 -p 2 -timeout 15m ./...
	$(MAKE) --no-print-directory test-redis-cluster

# Packages whose Redis use must also hold on a cluster: multi-key scripts,
# transactions and reads (hash tags, per-slot pipelines).
REDIS_CLUSTER_PKGS ?= ./feeds/ ./ingest/ ./insights/ ./limit/ ./config/ ./notify/
REDIS_CLUSTER_PORTS ?= 7001 7002 7003
export REDIS_CLUSTER_PORTS

## test-redis-cluster: a local 3-master Redis Cluster (scripts/services/redis-cluster.sh), then the Redis-backed tests against it
test-redis-cluster: services
	@scripts/services/redis-cluster.sh up
	REDIS_ADDRS=$$(printf '127.0.0.1:%s,' $(REDIS_CLUSTER_PORTS) | sed 's/,$$//') \
		$(GO) test -count=1 -p 2 -timeout 10m $(REDIS_CLUSTER_PKGS)

## test-chaos: the fault-injection suite: under mixed load, kills and freezes a Redis and a worker of its own and
## hangs/cuts Neo4j and OpenSearch through proxies; fails on a 500, a 503 without Retry-After, an answer over its
## budget + 1s, a lost or doubled acknowledged write, drift or a slow recovery (about 2 minutes)
test-chaos: services
	$(GO) test -tags chaos -count=1 -run '^TestChaos$$' -timeout 10m -v ./cmd/stylegraph/

## soak: `serve` and `worker` (the built binary) on loopback under steady mixed traffic for a bounded time
## (default 10 minutes at 40 requests/s); per interval: requests, errors, p50/p99, memory and goroutines of each
## process. Not in CI. SOAK_ARGS='-duration 10m -rate 40 -out docs/soak.md'
soak: build services
	$(GO) run ./bench/soak -bin $(BIN) $(SOAK_ARGS)

## generate: regenerate the Go API client (api/client) from api/openapi.yaml with the pinned oapi-codegen
generate:
	$(GO) generate ./api/client

## lint-api: Redocly and Spectral over api/openapi.yaml (pinned, installed from npm on first use); zero warnings
lint-api:
	@scripts/lint-api.sh

## test-contract: Schemathesis over the running API for every role with a short budget (CI); test-fuzz is the long run
test-contract:
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-5} FUZZ_PHASES=$${FUZZ_PHASES:-examples,fuzzing} FUZZ_SEED=$${FUZZ_SEED:-20261203} scripts/fuzz-api.sh

# test-unit: pure logic only, in seconds, with every service stopped. The
# endpoints point at a closed port so a test that needs a service without
# saying so (internal/testenv.Integration) fails here instead of passing by luck.
test-unit:
	NEO4J_URI=bolt://127.0.0.1:1 REDIS_ADDR=127.0.0.1:1 REDIS_ADDRS= OPENSEARCH_URL=http://127.0.0.1:1 \
	S3_ENDPOINT=http://127.0.0.1:1 SQS_ENDPOINT=http://127.0.0.1:1 $(GO) test -count=1 -short ./...

fmt:
	gofmt -w .

clean:
	rm -rf bin
test-fuzz:
	scripts/fuzz-api.sh

## bench: every ported benchmark once in its short (smoke) mode, so none can rot; CI runs it.
## Full figures: make bench-<name> (see docs/operations.md)
# bench-recs is left out: it needs a seeded graph at scale (see bench-recs).
BENCHES := ingest feeds search catalog
bench: build services
	$(GO) build -o bin/bench/ $(addprefix ./bench/,$(BENCHES) soak)
	@set -e; for b in $(BENCHES); do echo "== bench-$$b -short"; bin/bench/$$b -short $(BENCH_ARGS); done
	@echo "== bench-soak -short"; bin/bench/soak -short -bin $(BIN)

## bench-ingest: events/s through POST /v1/events and the graph writer, next to the same Lua script, XADD, redis-benchmark and UNWIND/MERGE
bench-ingest: services
	$(GO) run ./bench/ingest $(BENCH_ARGS)

## bench-search: GET /v1/search over the 44k styles.csv catalog (p50/p99, QPS) next to the same query sent to OpenSearch
bench-search: services
	$(GO) run ./bench/search $(BENCH_ARGS)

## bench-feeds: fan-out to 9,000 followers (-followers) and GET /v1/feed (mix on and off) from many shoppers, next to a go-redis pipeline, redis-benchmark and a bare handler
bench-feeds: services
	$(GO) run ./bench/feeds $(BENCH_ARGS)

## bench-catalog: catalog parse and import rates and archive write/read rates, next to raw CSV, UNWIND/MERGE, bulk and put baselines
bench-catalog: services
	$(GO) run ./bench/catalog $(BENCH_ARGS)

## bench-recs: GET /v1/recommendations p50/p99 and req/s, live and precomputed, next to a bare Cypher round trip
## (seed first: `bin/stylegraph seed --users 100000 --products 40000 --interactions 2000000`, or smaller)
bench-recs: services
	$(GO) run ./bench/recs $(BENCH_ARGS)
