#!/usr/bin/env bash
# A/B of two builds on one machine: the same synthetic SQLite database, the same pages, the old
# and the new binary measured alternately (twice each), so that a slower machine or a busy
# neighbour shows in both. Usage: benches/ab.sh OLD_BINARY NEW_BINARY [TASKS]
# (build the old one with: git worktree add ../old REV && cargo build --release in it).
set -euo pipefail
old=${1:?usage: benches/ab.sh OLD_BINARY NEW_BINARY [TASKS]} new=${2:?usage: benches/ab.sh OLD_BINARY NEW_BINARY [TASKS]} tasks=${3:-100000}
dir=$(mktemp -d); port=${BENCH_PORT:-18181}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
# Whatever stops the script, no server is left holding the port.
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
export DATABASE_URL=sqlite://$dir/bench.sqlite3 CHIDAO_DATA_DIR=$dir RUST_LOG=warn
$old demo --synthetic --tasks "$tasks" >/dev/null 2>&1
# The seeded letters go out first, so that no build's first pages share the cores with them.
$old remind --once >/dev/null 2>&1
echo "chidao-bench-leader" | $old user add --email leader@bench.vn --name L --role leader --password-stdin >/dev/null 2>&1
measure() {
  local bin=$1 label=$2
  $bin serve --bind 127.0.0.1:$port >"$dir/serve.log" 2>&1 & local server=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  login() { local jar="$dir/jar.$RANDOM" csrf
    csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
    curl -s -b "$jar" -c "$jar" -o /dev/null -d "csrf=$csrf" --data-urlencode "email=$1" --data-urlencode "password=$2" "http://127.0.0.1:$port/login"
    awk '$6 == "chidao_session" { print $7 }' "$jar"; }
  local unit leader task
  unit=$(login u0.0@synthetic.chidao.vn chidao-demo-2026); leader=$(login leader@bench.vn chidao-bench-leader)
  task=$(curl -s -H "Cookie: chidao_session=$unit" "http://127.0.0.1:$port/tasks" | grep -o 'data-task="[0-9]*"' | head -1 | cut -d'"' -f2)
  for pair in "healthz||/healthz" "inbox|$unit|/tasks" "task|$unit|/tasks/$task" "dashboard|$leader|/dashboard" "filtered|$leader|/tasks?status=open&bucket=open_overdue&sort=due" "search|$leader|/tasks?q=ke+hoach+nghi+quyet&status=all"; do
    IFS='|' read -r name cookie path <<<"$pair"
    curl -s -o /dev/null -H "Cookie: chidao_session=$cookie" "http://127.0.0.1:$port$path"
    out=$(wrk -t2 -c8 -d8s --latency -H "Cookie: chidao_session=$cookie" "http://127.0.0.1:$port$path")
    printf '%-8s %-10s %10s req/s p99 %s\n' "$label" "$name" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" "$(echo "$out" | awk '$1=="99%" {print $2}')"
  done
  kill $server; wait $server 2>/dev/null || true
}
# Twice each, alternately: what the machine does meanwhile falls on both.
measure "$old" old; measure "$new" new; measure "$old" old; measure "$new" new
rm -rf "$dir"
