#!/usr/bin/env bash
# Issue 26's benchmarks with the release binary, each beside a yardstick in the same run:
#
#  1. `edict impact` over ROWS synthetic crossings (default 100 million, Parquet, from
#     examples/traffic/mix.json): policies/ against its own past before 2025-11-05 (the
#     announcement), the report grouped by region and citation. Yardstick: DataFusion alone
#     (`edict sql`, no Edict function) over the same file, a CASE standing in for each side's
#     decision, grouped by both answers.
#  2. `edict replay` of a decision log of LINES lines (default 10 million) that `edict serve`
#     wrote. Yardstick: DataFusion reading the same log as JSON lines and grouping it by version.
#
# Wall time, CPU and peak memory of each whole process from GNU time, RUNS runs each (default
# 3), alternating. Files go to target/bench-impact (about 5 GB at the defaults); they are made
# once and kept. Results: benches/results/impact.md (by hand, from what this prints).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-100000000}
LINES=${LINES:-10000000}
RUNS=${RUNS:-3}
D=target/bench-impact
mkdir -p "$D"
cargo build --release -p edict-cli >&2
E=$PWD/target/release/edict
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"

# --- 1. impact ---------------------------------------------------------------------------
crossings=$D/crossings-$ROWS.parquet
if [ ! -f "$crossings" ]; then
  "$E" traffic --mix examples/traffic/mix.json --policy policies --from 2025-01-01 --days 365 --rows "$ROWS" \
    --seed 1 -o "$crossings" >&2
fi
# The stand-in: visa-free transit when the nationality is one of a list and the port one of a
# list and the stay within 240 hours (144 before the announcement); no Edict function.
nats="'kr','ru','jp','us','my','sg','th','ph','id','de','gb','au','ca','fr'"
ports="'shanghai_pudong','shanghai_hongqiao','beijing_capital','guangzhou_baiyun','shenzhen_baoan','hengqin'"
case_new="CASE WHEN nationality IN ($nats) AND arrival_port IN ($ports) AND onward_departure - arrival <= INTERVAL '240 hours' THEN 'visa_free_transit' ELSE 'visa_required' END"
case_old="CASE WHEN nationality IN ($nats) AND arrival_port IN ($ports) AND onward_departure - arrival <= INTERVAL '144 hours' THEN 'visa_free_transit' ELSE 'visa_required' END"
yardstick_impact="SELECT $case_old AS before, $case_new AS after, count(*) AS crossings FROM c GROUP BY 1, 2"
timed() {
  local name=$1
  shift
  /usr/bin/time -f "$name: %e s wall, %U s user, %S s sys, %P CPU, %M KiB peak" "$@" > "$D/$name.out" 2> "$D/$name.err" \
    || { cat "$D/$name.err" >&2; return 1; }
  tail -1 "$D/$name.err"
}
echo "== impact: $ROWS crossings =="
for _ in $(seq "$RUNS"); do
  timed impact "$E" impact policies --old-before 2025-11-05 --traffic "$crossings" --format json
  timed datafusion-case "$E" sql "$yardstick_impact" --table "c=$crossings" --policy policies --format csv
done
grep -m1 '"rows"' "$D/impact.out" || true

# --- 1b. impact on a Ballista cluster ----------------------------------------------------
# A scheduler and two executors of one core each on loopback (the same two cores), the same
# run and file; its report must be the embedded run's byte for byte.
echo "== impact on a cluster of two executors: $ROWS crossings =="
"$E" cluster scheduler --bind 127.0.0.1:0 2> "$D/scheduler.err" &
pids=($!)
until grep -q 'listening on' "$D/scheduler.err"; do sleep 0.1; done
sched=$(sed -n 's/.*listening on //p' "$D/scheduler.err")
for i in 1 2; do
  "$E" cluster executor --scheduler "$sched" --flight-port $((18260 + i)) --grpc-port $((18270 + i)) \
    --cores 1 --work-dir "$D/work-$i" 2> "$D/executor-$i.err" &
  pids+=($!)
  mkdir -p "$D/work-$i"
done
until [ "$(cat "$D"/executor-*.err | grep -c ready)" = 2 ]; do sleep 0.1; done
for _ in $(seq "$RUNS"); do
  timed impact-cluster "$E" impact policies --old-before 2025-11-05 --traffic "$crossings" --format json \
    --cluster "df://$sched"
  timed impact "$E" impact policies --old-before 2025-11-05 --traffic "$crossings" --format json
done
kill "${pids[@]}" 2>/dev/null || true
cmp "$D/impact.out" "$D/impact-cluster.out" && echo "the cluster's report is the embedded run's, byte for byte"

# --- 2. replay ---------------------------------------------------------------------------
log=$D/decisions-$LINES.jsonl
store=$D/store-$LINES
if [ ! -f "$log" ]; then
  # Requests from the crossings, as JSON lines, in files of a million.
  rm -rf "$D/requests" && mkdir -p "$D/requests"
  "$E" sql "SELECT named_struct('nationality', nationality, 'origin', origin, 'arrival_port', arrival_port, 'arrival', to_char(arrival, '%Y-%m-%dT%H:%M'), 'onward_destination', onward_destination, 'onward_departure', to_char(onward_departure, '%Y-%m-%dT%H:%M')) AS t FROM c LIMIT $LINES" \
    --table "c=$crossings" --policy policies --format json | split -l 1000000 - "$D/requests/part-"
  rm -rf "$store" "$log"*
  "$E" serve policies --listen 127.0.0.1:18181 --decision-log "$log" --log-max-bytes 100000000000 \
    --decision-log-durability wait --artifact-store "$store" --no-watch 2> "$D/serve.err" &
  serve=$!
  until curl -sf http://127.0.0.1:18181/readyz >/dev/null; do sleep 0.2; done
  for f in "$D"/requests/part-*; do
    curl -sf -H 'Content-Type: application/x-ndjson' --data-binary "@$f" \
      http://127.0.0.1:18181/v1/decisions/transit_entry/batch > /dev/null
  done
  kill -TERM "$serve" && wait "$serve" || true
fi
echo "== replay: $(wc -l < "$log") log lines ($(du -h "$log" | cut -f1)) =="
yardstick_replay="SELECT artifact_sha256, decision, count(*) AS lines FROM log GROUP BY 1, 2"
for _ in $(seq "$RUNS"); do
  timed replay "$E" replay "$log" --store "$store" --format json
  timed datafusion-json "$E" sql "$yardstick_replay" --table "log=$log" --policy policies --format csv
done
grep -m1 '"same"' "$D/replay.out" || true
