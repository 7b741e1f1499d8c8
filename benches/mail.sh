#!/usr/bin/env bash
# Mail benchmark on a synthetic database: how long queuing one day's reminders and digests takes,
# and how many messages a second the worker delivers to an SMTP server on loopback.
#
#   benches/mail.sh [TASKS] [DATABASE_URL]
#
# TASKS defaults to 1000000; DATABASE_URL defaults to a fresh SQLite file (give a postgres:// URL
# of an empty database for PostgreSQL); BENCH_REUSE=1 measures a database seeded by an earlier
# run. BENCH_DAY picks the day (default: today); BENCH_SEND how many messages to deliver
# (default 5000). The SMTP server is a small asyncio sink in python3 that accepts everything.
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-1000000}
dir=$(mktemp -d /tmp/chidao-mailbench.XXXXXX)
url=${2:-sqlite://$dir/bench.sqlite3}
day=${BENCH_DAY:-$(TZ=Asia/Ho_Chi_Minh date +%F)}
send=${BENCH_SEND:-5000}
port=${BENCH_SMTP_PORT:-12525}

cargo build --release --quiet
bin=target/release/chidao
export DATABASE_URL=$url CHIDAO_DATA_DIR=$dir RUST_LOG=warn
if [ -n "${BENCH_REUSE:-}" ]; then
    $bin migrate >/dev/null
else
    echo "== seeding $tasks tasks into $url"
    $bin demo --synthetic --tasks "$tasks" | grep -v "tasks, " || true
fi

cat >"$dir/sink.py" <<'PY'
import asyncio, sys
async def session(reader, writer):
    writer.write(b"220 sink ESMTP\r\n")
    data = False
    while True:
        line = await reader.readline()
        if not line:
            break
        if data:
            if line == b".\r\n":
                data = False
                writer.write(b"250 ok\r\n")
            continue
        cmd = line[:4].upper()
        if cmd == b"EHLO":
            writer.write(b"250-sink\r\n250 8BITMIME\r\n")
        elif cmd == b"DATA":
            data = True
            writer.write(b"354 go\r\n")
        elif cmd == b"QUIT":
            writer.write(b"221 bye\r\n")
            await writer.drain()
            break
        else:
            writer.write(b"250 ok\r\n")
        await writer.drain()
    writer.close()
async def main():
    server = await asyncio.start_server(session, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()
asyncio.run(main())
PY
python3 "$dir/sink.py" "$port" &
sink=$!
trap 'kill $sink 2>/dev/null; rm -rf "$dir"' EXIT
sleep 0.5

echo "== $(echo "$url" | cut -d: -f1), day $day"
# Queuing, twice: the second pass finds every message already queued.
$bin remind --once --queue-only --now "$day"
$bin remind --once --queue-only --now "$day"
# Delivery of the first $send pending messages.
$bin remind --once --now "$day" --max-send "$send" --smtp-url "smtp://127.0.0.1:$port" \
    | awk -v n="$send" '{ print; for (i = 1; i <= NF; i++) if ($i == "sent") s = $(i + 1); t = $(NF - 1) } END { gsub(",", "", s); if (t > 0) printf "delivery: %.0f messages/s\n", s / t }'
