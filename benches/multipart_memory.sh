#!/usr/bin/env bash
# Memory around hostile multipart bodies: the server's resident memory before and after 1 GB of
# empty parts with long names sent to POST /login (no account) and, signed in, to a task's
# progress form, streamed without a declared length and with a declared one. Measures the
# release build on the demo data. Needs curl and python3.
#
#   benches/multipart_memory.sh [MEGABYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-1024}
dir=$(mktemp -d /tmp/chidao-multipart.XXXXXX)
port=${BENCH_PORT:-18095}
cargo build --release --quiet
bin=$PWD/target/release/chidao
export DATABASE_URL=sqlite://$dir/db.sqlite3 CHIDAO_DATA_DIR=$dir RUST_LOG=warn
$bin serve --demo --bind 127.0.0.1:$port >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
rss() { awk '/VmRSS/ { print int($2 / 1024) }' /proc/$server/status; }
echo "RSS after start: $(rss) MB"
python3 - "$port" "$mb" <<'PY'
import http.client, re, sys, urllib.parse
port, mb = int(sys.argv[1]), int(sys.argv[2])
boundary = "b0undary"
part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{'n' * 4000}\"\r\n\r\n\r\n").encode()
def body():
    sent = 0
    while sent < mb * 1024 * 1024:
        chunk = part * 256
        sent += len(chunk)
        yield chunk
def send(path, cookie="", declared=False):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": f"http://127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    if declared:
        headers["Content-Length"] = str(mb * 1024 * 1024)
    else:
        headers["Transfer-Encoding"] = "chunked"
    try:
        c.putrequest("POST", path)
        for k, v in headers.items():
            c.putheader(k, v)
        c.endheaders()
        if not declared:
            for chunk in body():
                c.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            c.send(b"0\r\n\r\n")
        status = c.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        status = "closed by the server"
    print(f"POST {path} ({'declared' if declared else 'streamed'} {mb} MB): {status}")
send("/login")
send("/login", declared=True)
# Signed in as the demo unit head, at a task of theirs.
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("GET", "/login"); r = c.getresponse(); page = r.read().decode()
pre = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
jar = "; ".join(h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie")
form = urllib.parse.urlencode({"csrf": pre, "email": "giamdoc.langson@demo.chidao.vn", "password": "chidao-demo-2026"})
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("POST", "/login", body=form, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": jar, "Origin": f"http://127.0.0.1:{port}"})
r = c.getresponse(); r.read()
session = "; ".join(h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie" and h.startswith("chidao_session"))
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("GET", "/tasks", headers={"Cookie": session}); page = c.getresponse().read().decode()
task = re.search(r'data-task="(\d+)"', page).group(1)
send(f"/tasks/{task}/progress", cookie=session)
send(f"/tasks/{task}/progress", cookie=session, declared=True)
PY
echo "RSS after the bodies: $(rss) MB"
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && echo "the server still answers"
