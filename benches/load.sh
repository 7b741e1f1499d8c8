#!/usr/bin/env bash
# Load benchmark: wrk against a release build on a synthetic database.
#
#   benches/load.sh [TASKS] [DATABASE_URL]
#
# TASKS defaults to 100000; DATABASE_URL defaults to a fresh SQLite file (give a postgres:// URL
# of an empty database to measure PostgreSQL). Reports requests/s and p99 latency for the inbox
# of one unit, a filtered list, a text search, a task page and /healthz, all in the same run, at
# 8 connections. Needs wrk (Debian: apt-get install wrk) and curl (and psql for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-100000}
dir=$(mktemp -d /tmp/chidao-bench.XXXXXX)
url=${2:-sqlite://$dir/bench.sqlite3}
port=${BENCH_PORT:-18080}
duration=${BENCH_SECONDS:-10}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

cargo build --release --quiet
bin=target/release/chidao
export DATABASE_URL=$url CHIDAO_DATA_DIR=$dir RUST_LOG=warn
if [ -n "${BENCH_REUSE:-}" ]; then
    # BENCH_REUSE=1 with a DATABASE_URL measures a database seeded by an earlier run.
    $bin migrate
else
    echo "== seeding $tasks tasks into $url"
    $bin demo --synthetic --tasks "$tasks"
    # A bulk load leaves PostgreSQL without statistics or a visibility map until autovacuum
    # passes: measure the database as it runs, not as it was just filled.
    case $url in postgres*) psql -q "$url" -c "VACUUM ANALYZE" ;; esac
fi
echo "chidao-bench-leader" | $bin user add --email leader@bench.vn --name "Lãnh đạo" --role leader --password-stdin >/dev/null 2>&1 || true
echo "chidao-bench-secretariat" | $bin user add --email vp@bench.vn --name "Văn phòng" --role secretariat --password-stdin >/dev/null 2>&1 || true

# The seeded notices' letters and the day's reminders go out before measuring, as on a server
# that has run for a while: otherwise the first pages share the cores with thousands of letters.
$bin remind --once >/dev/null
$bin serve --bind 127.0.0.1:$port >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

login() { # email password -> session cookie value
    local jar="$dir/jar.$RANDOM"
    local csrf
    csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
    curl -s -b "$jar" -c "$jar" -o /dev/null -d "csrf=$csrf" --data-urlencode "email=$1" --data-urlencode "password=$2" "http://127.0.0.1:$port/login"
    awk '$6 == "chidao_session" { print $7 }' "$jar"
}
unit_cookie=$(login u0.0@synthetic.chidao.vn chidao-demo-2026)
leader_cookie=$(login leader@bench.vn chidao-bench-leader)
secretariat_cookie=$(login vp@bench.vn chidao-bench-secretariat)
[ -n "$unit_cookie" ] && [ -n "$leader_cookie" ] || { echo "login failed" >&2; exit 1; }
task_path=$(curl -s -H "Cookie: chidao_session=$unit_cookie" "http://127.0.0.1:$port/tasks" | grep -o 'data-task="[0-9]*"' | head -1 | cut -d'"' -f2)
task_path="/tasks/$task_path"

run() { # name cookie path
    local out rps p99
    # One request first: a day's first dashboard counts the past months' history once.
    curl -s -o /dev/null --max-time 30 -H "Cookie: chidao_session=$2" "http://127.0.0.1:$port$3"
    out=$(wrk -t2 -c8 -d"${duration}s" --latency -H "Cookie: chidao_session=$2" "http://127.0.0.1:$port$3")
    rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
    p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
    non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
    printf '%-16s %-48s %10s req/s   p99 %8s %s\n' "$1" "$3" "$rps" "$p99" "${non2xx:+(non-2xx: $non2xx)}"
}
rss() { echo "$(($(ps -o rss= -p "$server") / 1024)) MB"; }
echo "== $tasks tasks, $(echo "$url" | cut -d: -f1), 8 connections, ${duration}s each"
echo "server RSS after start and logins: $(rss)"
run "healthz" "" "/healthz"
run "unit inbox" "$unit_cookie" "/tasks"
run "task page" "$unit_cookie" "$task_path"
run "dashboard" "$leader_cookie" "/dashboard"
run "dashboard, unit" "$unit_cookie" "/dashboard"
run "dashboard, assigned" "$leader_cookie" "/dashboard?period=year&by=assigned"
run "dashboard, by due" "$leader_cookie" "/dashboard?period=custom&from=15/01/2025&to=10/11/2026"
run "dashboard, custom" "$leader_cookie" "/dashboard?period=custom&by=assigned&from=15/01/2025&to=10/11/2026"
# The desk counts every section afresh on each request (the menu's counts are kept briefly).
run "desk, unit" "$unit_cookie" "/desk"
run "desk, secretariat" "$secretariat_cookie" "/desk"
run "desk, leader" "$leader_cookie" "/desk"
unit_id=$(curl -s -H "Cookie: chidao_session=$leader_cookie" "http://127.0.0.1:$port/dashboard" | grep -o 'data-unit="[0-9]*"' | head -1 | cut -d'"' -f2)
run "unit page" "$leader_cookie" "/units/$unit_id"

# The lists a leader and the secretariat work from (keyset pages, counts capped at 10.000).
run "unit's open" "$leader_cookie" "/tasks?status=open&unit=$unit_id&sort=created"
run "unit's, by due" "$leader_cookie" "/tasks?status=all&unit=$unit_id&sort=-due"
run "all open" "$leader_cookie" "/tasks?status=open&sort=created"
run "all, updated" "$secretariat_cookie" "/tasks?status=all&sort=updated"
run "overdue" "$leader_cookie" "/tasks?status=open&bucket=open_overdue&sort=created"
run "JSON list" "$leader_cookie" "/api/v1/tasks?status=open&sort=created"
run "due soon" "$leader_cookie" "/tasks?soon=yes"
second=$(curl -s -H "Cookie: chidao_session=$leader_cookie" "http://127.0.0.1:$port/tasks?status=open&sort=created" | grep -o 'href="[^"]*" rel="next"' | head -1 | cut -d'"' -f2 | sed 's/&#38;/\&/g; s/&amp;/\&/g')
run "all open, page 2" "$leader_cookie" "$second"

# Exports of one unit's whole list (about 17,000 rows at 1M tasks), one at a time.
for ext in xlsx csv; do
    t=$(curl -s -o "$dir/export.$ext" -w '%{time_total}' -H "Cookie: chidao_session=$unit_cookie" \
        "http://127.0.0.1:$port/reports/tasks.$ext?status=all")
    printf '%-16s %-48s %10s s, %s rows\n' "export" "/reports/tasks.$ext" "$t" \
        "$(case $ext in csv) echo $(($(wc -l <"$dir/export.csv") - 1));; *) echo "?";; esac)"
done

# A year's periodic report for the whole ministry, as the page and as Word, one at a time.
for path in "/reports/periodic?period=year&by=due&scope=all" "/reports/periodic.docx?period=year&by=due&scope=all"; do
    t=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: chidao_session=$leader_cookie" "http://127.0.0.1:$port$path")
    printf '%-16s %-48s %10s s\n' "report" "$path" "$t"
done

# The review page for a pasted 60-item notice: extraction, the directory and the whole form.
csrf=$(curl -s -H "Cookie: chidao_session=$secretariat_cookie" "http://127.0.0.1:$port/me" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
{
    printf 'Số: 60/TB-BKHCN\nHà Nội, ngày 12 tháng 6 năm 2025\n\nTHÔNG BÁO\nKết luận\n\nBộ trưởng kết luận như sau:\n'
    for i in $(seq 1 60); do
        printf '%s. Giao Cục Sở hữu trí tuệ chủ trì, phối hợp với Vụ Pháp chế và Sở KH&CN tỉnh Lạng Sơn rà soát, hoàn thiện cơ chế, chính sách, báo cáo Bộ trưởng trước ngày 30/9/2025.\n' "$i"
    done
} > "$dir/notice.txt"
body=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlencode({"csrf": sys.argv[1], "source": open(sys.argv[2]).read()}))' "$csrf" "$dir/notice.txt")
cat > "$dir/post.lua" <<LUA
wrk.method = "POST"
wrk.body = [[$body]]
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "chidao_session=$secretariat_cookie"
LUA
out=$(wrk -t1 -c1 -d"${duration}s" --latency -s "$dir/post.lua" "http://127.0.0.1:$port/directives/draft")
printf '%-16s %-48s %10s req/s   p99 %8s %s\n' "review page" "POST /directives/draft (60 items, 1 conn)" \
    "$(echo "$out" | awk '/Requests\/sec/ { print $2 }')" "$(echo "$out" | awk '$1 == "99%" { print $2 }')" \
    "$(echo "$out" | awk '/Non-2xx/ { print "(non-2xx: " $NF ")" }')"

# The daily pass (reminders, digests, escalations; a Monday for the leaders' summaries), twice:
# the second finds everything queued.
monday=$(python3 -c 'import datetime; d = datetime.date.today(); print(d + datetime.timedelta(days=(7 - d.weekday()) % 7))')
for round in first again; do
    printf '%-16s %s\n' "daily pass" "$($bin remind --once --queue-only --now "$monday" 2>/dev/null | tail -1) ($round)"
done

# Last, because at a million tasks their requests outlast wrk's run and would load the next.
run "filtered list" "$leader_cookie" "/tasks?status=open&bucket=open_overdue&sort=due"
run "text search" "$leader_cookie" "/tasks?q=ke+hoach+nghi+quyet&status=all"
run "open, text" "$leader_cookie" "/tasks?status=open&q=ke+hoach"
# A notice's number (a few dozen tasks, from the trigram index) and a province (one in 63).
run "rare text" "$leader_cookie" "/tasks?status=all&q=21234+tb"
run "province text" "$leader_cookie" "/tasks?status=open&q=lang+son"
# The same province within one unit, where it is rare; and a unit head's overdue tasks.
run "unit, province" "$leader_cookie" "/tasks?status=open&unit=$unit_id&q=lang+son"
run "unit's overdue" "$unit_cookie" "/tasks?status=open&bucket=open_overdue"
echo "server RSS at the end: $(rss)"
