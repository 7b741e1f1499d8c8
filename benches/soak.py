"""The soak load of benches/soak.sh: every role's reads and writes at a steady rate.

    python3 benches/soak.py BASE_URL SECONDS RATE API_TOKEN

Signs in a leader, the secretariat and the heads and staff of a few units, then sends RATE
requests a second for SECONDS: lists, task pages, the dashboard, the JSON API, progress reports,
completions, comments and confirmations. Prints one JSON line: answers by status, the writes
that were accepted (by journal kind) and those refused as stale (someone else changed the task
first, the conflict page). Python's standard library only.
"""

import concurrent.futures
import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse

BASE, SECONDS, RATE, TOKEN = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
HOST = urllib.parse.urlparse(BASE).netloc
PASSWORD = "chidao-demo-2026"


class Session:
    """One signed-in person: a cookie jar of two cookies and the CSRF token of their pages."""

    def __init__(self, email, password):
        self.cookies = {}
        self.csrf = ""
        self.lock = threading.Lock()
        page = self.request("GET", "/login")[1]
        pre = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/login", {"csrf": pre, "email": email, "password": password})
        if status != 303:
            raise SystemExit(f"login {email}: {status}")
        page = self.request("GET", "/me")[1]
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def request(self, method, path, form=None, headers=None):
        conn = http.client.HTTPConnection(HOST, timeout=30)
        h = dict(headers or {})
        with self.lock:
            if self.cookies:
                h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
            h["Origin"] = BASE
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        with self.lock:
            for k, v in resp.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    value = rest.split(";", 1)[0]
                    if "Max-Age=0" in v or value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = value
        conn.close()
        self.location = resp.getheader("Location") or ""
        return resp.status, text


def task_ids(page):
    return [int(x) for x in re.findall(r'data-task="(\d+)"', page)]


counts = {}
accepted = {"progress": 0, "comment": 0, "status": 0}
stale = 0
errors = []
tally = threading.Lock()


def count(status, what):
    with tally:
        counts[status] = counts.get(status, 0) + 1
        if status >= 500 or status == 0:
            errors.append(what)


def note_write(kind, status, location):
    global stale
    with tally:
        if status == 303 and "done=" in location:
            accepted[kind] += 1
        elif status == 409:
            stale += 1


def version_of(s, task):
    status, page = s.request("GET", f"/tasks/{task}")
    count(status, f"GET /tasks/{task}")
    m = re.search(r'name="version" value="(\d+)"', page)
    return int(m.group(1)) if m else None


def main():
    leader = Session("leader@soak.vn", "chidao-soak-leader")
    secretariat = Session("vp@soak.vn", "chidao-soak-secretariat")
    heads, staff = [], []
    for u in range(8):
        heads.append(Session(f"u{u}.0@synthetic.chidao.vn", PASSWORD))
        staff.append(Session(f"u{u}.5@synthetic.chidao.vn", PASSWORD))
    own = [task_ids(h.request("GET", "/tasks?status=open")[1]) for h in heads]
    units = sorted(set(int(x) for x in re.findall(r'/units/(\d+)', leader.request("GET", "/dashboard")[1])))

    def head_read(rng):
        i = rng.randrange(len(heads))
        s = heads[i]
        if own[i] and rng.random() < 0.5:
            path = f"/tasks/{rng.choice(own[i])}"
        else:
            path = "/tasks"
        count(s.request("GET", path)[0], path)

    def head_post(rng, action, fields, kind):
        """A unit head's change to one of their tasks, at the version their page shows."""
        i = rng.randrange(len(heads))
        if not own[i]:
            return
        s, task = heads[i], rng.choice(own[i])
        v = version_of(s, task)
        if v is None:
            return
        status, _ = s.request("POST", f"/tasks/{task}/{action}", {"csrf": s.csrf, "version": v, **fields})
        count(status, f"POST /tasks/{task}/{action}")
        note_write(kind, status, s.location)

    def head_progress(rng):
        fields = {"text": f"Tiến độ {rng.random():.6f}", "percent": rng.randrange(101)}
        head_post(rng, "progress", fields, "progress")

    def head_complete(rng):
        head_post(rng, "complete", {"text": "Đã hoàn thành, đề nghị xác nhận."}, "status")

    def staff_read(rng):
        s = rng.choice(staff)
        count(s.request("GET", "/tasks")[0], "GET /tasks (staff)")

    def leader_read(rng):
        path = rng.choice(["/dashboard", "/tasks?status=open&bucket=open_overdue", "/directives"]
                          + [f"/units/{u}" for u in units[:5]])
        count(leader.request("GET", path)[0], path)

    def secretariat_comment(rng):
        i = rng.randrange(len(heads))
        if not own[i]:
            return
        task = rng.choice(own[i])
        form = {"csrf": secretariat.csrf, "text": f"Đề nghị đẩy nhanh tiến độ {rng.random():.6f}"}
        status, _ = secretariat.request("POST", f"/tasks/{task}/comment", form)
        count(status, f"POST /tasks/{task}/comment")
        note_write("comment", status, secretariat.location)

    def secretariat_confirm(rng):
        status, page = secretariat.request("GET", "/tasks?status=reported")
        count(status, "GET /tasks?status=reported")
        reported = task_ids(page)
        if not reported:
            return
        task = rng.choice(reported)
        v = version_of(secretariat, task)
        if v is None:
            return
        form = {"csrf": secretariat.csrf, "version": v, "text": ""}
        status, _ = secretariat.request("POST", f"/tasks/{task}/confirm", form)
        count(status, f"POST /tasks/{task}/confirm")
        note_write("status", status, secretariat.location)

    def api_read(rng):
        path = rng.choice(["/api/v1/tasks?status=open", "/api/v1/tasks?sort=updated"])
        status, _ = leader.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
        count(status, path)

    def health(rng):
        count(leader.request("GET", "/healthz")[0], "/healthz")

    mix = [(head_read, 25), (head_progress, 12), (head_complete, 1), (staff_read, 12),
           (leader_read, 18), (secretariat_comment, 8), (secretariat_confirm, 2),
           (api_read, 10), (health, 2)]
    actions = [a for a, w in mix for _ in range(w)]

    def run(action, r):
        try:
            action(r)
        except Exception as e:  # a refused or dropped connection: counted, never hidden
            count(0, f"{action.__name__}: {e!r}")

    rng = random.Random(2026)
    started = time.monotonic()
    sent = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        futures = []
        while time.monotonic() - started < SECONDS:
            due = started + sent / RATE
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            futures.append(pool.submit(run, rng.choice(actions), random.Random(sent)))
            sent += 1
            if len(futures) > 1000:
                futures = [f for f in futures if not f.done()]
        for f in futures:
            f.result()
    elapsed = time.monotonic() - started
    print(json.dumps({
        "seconds": round(elapsed, 1),
        "actions": sent,
        "requests_by_status": {str(k): v for k, v in sorted(counts.items())},
        "accepted_writes": accepted,
        "stale_writes": stale,
        "server_errors": errors[:20],
    }))


main()
