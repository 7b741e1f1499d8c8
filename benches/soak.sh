#!/usr/bin/env bash
# Soak test: a release build under a steady mixed load of every role's reads and writes, with the
# mail loop running, then three checks: no answer was a server error, no accepted change is
# missing from the journal, and the server's memory stayed flat.
#
#   benches/soak.sh [SECONDS] [DATABASE_URL]
#
# SECONDS defaults to 600 (10 minutes); SOAK_RATE requests a second (default 100); SOAK_TASKS the
# synthetic tasks seeded first (default 20000). DATABASE_URL defaults to a fresh SQLite file;
# give a postgres:// URL of an empty database to soak PostgreSQL. Needs curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
dir=$(mktemp -d /tmp/chidao-soak.XXXXXX)
url=${2:-sqlite://$dir/soak.sqlite3}
rate=${SOAK_RATE:-100}
tasks=${SOAK_TASKS:-20000}
port=${SOAK_PORT:-18090}

cargo build --release --quiet
bin=$PWD/target/release/chidao
export DATABASE_URL=$url CHIDAO_DATA_DIR=$dir RUST_LOG=warn
echo "== seeding $tasks tasks into $url"
$bin demo --synthetic --tasks "$tasks" >/dev/null
echo "chidao-soak-leader" | $bin user add --email leader@soak.vn --name "Lãnh đạo" --role leader --password-stdin >/dev/null
echo "chidao-soak-secretariat" | $bin user add --email vp@soak.vn --name "Văn phòng" --role secretariat --password-stdin >/dev/null
token=$($bin token create --email leader@soak.vn)

journal_count() {
    local sql="SELECT COUNT(*) FROM journal WHERE kind IN ('progress', 'comment', 'status')"
    case $url in
        postgres*) psql "$url" -Atc "$sql" ;;
        *) python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "${url#sqlite://}" "$sql" ;;
    esac
}
before=$(journal_count)

# The mail loop runs inside serve; with no SMTP server, messages go to .eml files in $dir/mail.
$bin serve --bind 127.0.0.1:$port >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

# The server's resident memory every 10 seconds.
( while kill -0 $server 2>/dev/null; do
      awk '/VmRSS/ { print $2 }' /proc/$server/status 2>/dev/null || true
      sleep 10
  done ) >"$dir/rss" &
sampler=$!

echo "== $seconds s at $rate requests/s"
result=$(python3 benches/soak.py "http://127.0.0.1:$port" "$seconds" "$rate" "$token") || {
    echo "the load script failed; the server's log:" >&2; tail -20 "$dir/serve.log" >&2; exit 1; }
kill $sampler 2>/dev/null || true
after=$(journal_count)
echo "$result"

python3 - "$result" "$before" "$after" "$dir/rss" <<'PY'
import json, sys
r, before, after, rss = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
samples = [int(x) for x in open(rss).read().split()]
written = sum(r["accepted_writes"].values())
journaled = after - before
# After a minute's warm-up (caches, pools), memory must not keep growing.
warm = samples[6] if len(samples) > 6 else samples[-1]
last, peak = samples[-1], max(samples)
errors = sum(v for k, v in r["requests_by_status"].items() if k == "0" or k.startswith("5"))
print(f"requests: {sum(r['requests_by_status'].values())} in {r['seconds']} s, server errors: {errors}")
print(f"accepted changes: {written} ({r['stale_writes']} refused as stale); journal entries: {journaled}")
print(f"memory (RSS): {samples[0] // 1024} MB at start, {warm // 1024} MB after a minute, "
      f"{last // 1024} MB at the end, {peak // 1024} MB at most")
ok = True
if errors:
    print("FAIL: server errors", r["server_errors"]); ok = False
# A completion or confirmation writes one status entry; a progress report on an assigned task
# writes its status change too, so the journal may hold more than the accepted writes, never less.
if journaled < written:
    print("FAIL: accepted changes missing from the journal"); ok = False
if last > warm * 1.25 + 10 * 1024:
    print("FAIL: memory grew after warm-up"); ok = False
print("OK" if ok else "SOAK FAILED")
sys.exit(0 if ok else 1)
PY
