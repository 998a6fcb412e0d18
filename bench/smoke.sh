#!/usr/bin/env bash
# Every benchmark once at a small size (about 20,000 rows), so a change that breaks one shows up in CI.
# They print figures but judge nothing: timings on a shared CI machine mean little (see bench/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export CI_BENCH=1
run() { echo "-- $*"; "$@"; }
run env VALIDATION_BENCH_SIZES=20000 VALIDATION_BENCH_BASELINE_ROWS=5000 npm run --silent bench:validation
run env CSV_BENCH_ROWS=20000 CSV_BENCH_RUNS=1 node --import tsx bench/csv-parser.bench.ts
run env CONSOLE_BENCH_REQUESTS=5 npm run --silent bench:console -- 20000
run env IMPORT_BENCH_SIZES=20000 npm run --silent bench:import
run npm run --silent bench:export -- --rows 20000 --runs 1
run env FORMAT_BENCH_ROWS=20000 FORMAT_BENCH_ROUNDS=1 npm run --silent bench:formats
run npm run --silent bench:faces -- --faces 1000
run npm run --silent bench:process -- --rows 20000 --idle-seconds 3
run env API_BENCH_SECONDS=2 API_BENCH_CONNECTIONS=10 API_BENCH_USERS=20000 npm run --silent bench:api
run npm run --silent bench:workers -- 20000
run npm run --silent bench:hostile-files -- --fields 250000 --commas 50000
run npm run --silent bench:webhooks -- --rows 2000 --seconds 3
run npm run --silent bench:export-parquet -- --rows 20000
run npm run --silent bench:feed-read -- --changes 20000
run env READS_BENCH_REQUESTS=20 npm run --silent bench:reads -- 20000
run npm run --silent bench:feed-import -- --rows 5000
