#!/usr/bin/env bash
# Measures one Riffle instance with wrk (Debian package): single predict with and without 32
# posterior samples, and bulk NDJSON ingest, on one binary model with 2 shards and an SGLD
# posterior. Usage: load-tests/wrk/run.sh [seconds] (after ./mvnw -B -q package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-15}
port=18181
data=$(mktemp -d)
RIFFLE_HTTP_PORT=$port RIFFLE_DATA_DIR=$data java -jar service/target/riffle.jar > "$data/riffle.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf localhost:$port/health/ready >/dev/null && break; sleep 0.1; done
curl -sf -XPUT localhost:$port/v1/models/bench -H 'Content-Type: application/json' \
  -d '{"kind":"binary","bits":22,"shards":2,"posterior":{"method":"sgld"}}' >/dev/null
w=load-tests/wrk
echo "== bulk ingest (1000 examples/request)"; wrk -t2 -c4 -d${secs}s --latency -s $w/ingest.lua http://127.0.0.1:$port
echo "== predict, point"; wrk -t2 -c16 -d${secs}s --latency -s $w/predict.lua http://127.0.0.1:$port
echo "== predict, 32 samples"; SAMPLES=32 wrk -t2 -c16 -d${secs}s --latency -s $w/predict.lua http://127.0.0.1:$port
curl -s localhost:$port/v1/models/bench/metrics; echo
