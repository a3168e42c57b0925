#!/usr/bin/env python3
"""gcbridge vs the tutorial's Python script (official Genesys SDK), side by side, against `gcbridge sim`.

Run through scripts/bench, which builds the release binary and the venv first. Stdlib only.
Every run gets a freshly started emulator (so rate-limit windows, tokens and counters start empty);
the two tools alternate (which goes first flips every round). Wall time is measured around the
process (fork to exit); peak memory is GNU time's maximum resident set size; requests come from the
emulator's GET /sim/v1/requests.
"""
import argparse
import base64
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import chain as chain_of

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "target" / "release" / "gcbridge"
BASELINE = ROOT / "bench" / "baseline" / "tutorial_baseline.py"
VENV_PY = ROOT / "bench" / ".venv" / "bin" / "python"
PERMS = [
    "integrations:integration:add",
    "integrations:integration:view",
    "integrations:integration:edit",
    "integrations:integration:delete",
]
TOPICS = ["v2.users.{id}.presence", "v2.routing.queues.{id}.users"]
# Requests on the longest chain of dependent requests of one destination: token -> read live state
# -> create -> configure -> enable. No client can do better than this many round trips.
CHAIN = 5

WORK = Path(tempfile.mkdtemp(prefix="gcbridge-bench-"))
# A private copy: the shared target/ may be rebuilt by someone else during the run.
BIN = WORK / "gcbridge"
shutil.copy2(BUILT, BIN)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- emulator

def sim_toml(orgs, rate=300, window_secs=None, activation_ms=500):
    """orgs: list of (name, rate_limit_per_minute or None). Client org-N-admin / org-N-secret."""
    s = f"activation_delay_ms = {activation_ms}\nrate_limit_per_minute = {rate}\n"
    if window_secs:
        s += f"rate_limit_window_secs = {window_secs}\n"
    for i, (name, limit) in enumerate(orgs):
        s += f'\n[[org]]\nid = "00000000-0000-4000-8000-{i:012d}"\nname = "{name}"\n'
        if limit:
            s += f"rate_limit_per_minute = {limit}\n"
        s += (f'[[org.client]]\nid = "org-{i}-admin"\nsecret = "org-{i}-secret"\n'
              f"permissions = {json.dumps(PERMS)}\n")
    return s


class Sim:
    def __init__(self, toml, latency_ms=0, rate=300, trace=None):
        self.cfg = WORK / f"sim-{time.monotonic_ns()}.toml"
        self.cfg.write_text(toml)
        self.proc = subprocess.Popen(
            [str(BIN), "sim", "--listen", "127.0.0.1:0", "--config", str(self.cfg),
             "--latency-ms", str(latency_ms), "--rate-limit-per-minute", str(rate),
             *(["--request-trace", str(trace)] if trace else [])],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        if "listening on " not in line:
            self.proc.kill()
            raise RuntimeError(f"sim did not start: {line!r}")
        self.url = line.split("listening on ", 1)[1].strip()

    def counters(self):
        with urllib.request.urlopen(self.url + "/sim/v1/requests") as r:
            return json.load(r)

    def clear(self):
        req = urllib.request.Request(self.url + "/sim/v1/requests", method="DELETE")
        urllib.request.urlopen(req).close()

    @staticmethod
    def _open(req):
        """The harness's own reads share the org's client and limit: wait out a 429 like a good client."""
        while True:
            try:
                return urllib.request.urlopen(req)
            except urllib.error.HTTPError as e:
                if e.code != 429:
                    raise
                time.sleep(float(e.headers.get("Retry-After", "1")))

    def token(self, org=0):
        req = urllib.request.Request(
            self.url + "/oauth/token", data=b"grant_type=client_credentials", method="POST",
            headers={"Authorization": "Basic " + base64.b64encode(f"org-{org}-admin:org-{org}-secret".encode()).decode(),
                     "Content-Type": "application/x-www-form-urlencoded"})
        return json.load(self._open(req))["access_token"]

    def create(self, token, name, integration_type):
        body = json.dumps({"name": name, "integrationType": {"id": integration_type}}).encode()
        req = urllib.request.Request(self.url + "/api/v2/integrations", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        self._open(req).close()

    def integrations(self, org=0):
        token = self.token(org)
        out, page = [], 1
        while True:
            req = urllib.request.Request(
                f"{self.url}/api/v2/integrations?pageSize=100&pageNumber={page}",
                headers={"Authorization": "Bearer " + token})
            v = json.load(self._open(req))
            out += v["entities"]
            if page >= v.get("pageCount", 1):
                return out
            page += 1

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


def org_env(sim, org=0):
    return {"GENESYS_API_URL": sim.url, "GENESYS_CLIENT_ID": f"org-{org}-admin",
            "GENESYS_CLIENT_SECRET": f"org-{org}-secret"}


def fleet_env(n):
    e = {}
    for i in range(n):
        e[f"ORG_{i}_ID"] = f"org-{i}-admin"
        e[f"ORG_{i}_SECRET"] = f"org-{i}-secret"
    return e


# ---------------------------------------------------------------- configs, same desired state for both tools

def destination(d, suffix_prefix):
    return (f'[[destination]]\nname = "dest-{d}"\naws_account_id = "{123456000000 + d:012d}"\n'
            f'aws_region = "us-east-1"\nevent_source_suffix = "{suffix_prefix}-{d}"\n'
            f"topics = {json.dumps(TOPICS)}\n\n")


def single_org_file(url, count, suffix_prefix="bench"):
    s = f'[genesys]\napi_url = "{url}"\n\n'
    return s + "".join(destination(d, suffix_prefix) for d in range(count))


def fleet_file(url, orgs, count):
    s = ""
    for i in range(orgs):
        s += (f'[[org]]\nname = "org-{i}"\napi_url = "{url}"\n'
              f'client_id_env = "ORG_{i}_ID"\nclient_secret_env = "ORG_{i}_SECRET"\n\n')
        s += "".join(destination(d, f"org-{i}").replace("[[destination]]", "[[org.destination]]")
                     for d in range(count))
    return s


# ---------------------------------------------------------------- running and measuring

def run(cmd, env_extra=None, check=True):
    """Returns (wall seconds, peak RSS MiB, stdout)."""
    env = dict(os.environ)
    env.pop("GENESYS_REGION", None)
    env.update(env_extra or {})
    tf = WORK / "time.txt"
    full = ["/usr/bin/time", "-f", "%M", "-o", str(tf)] + [str(c) for c in cmd]
    t0 = time.perf_counter()
    p = subprocess.run(full, env=env, cwd=WORK, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if check and p.returncode != 0:
        raise RuntimeError(f"{cmd} exited {p.returncode}:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    rss_kib = int(tf.read_text().strip().splitlines()[-1])
    run.last_rc, run.last_err = p.returncode, p.stderr
    return wall, rss_kib / 1024, p.stdout


def gcb_apply(sim, file_text, extra=(), env=None):
    f = WORK / "gcbridge.toml"
    f.write_text(file_text)
    return run([BIN, "apply", "-f", f, "--auto-approve", *extra], env if env is not None else org_env(sim))


def py_apply(sim, count, org=0, suffix_prefix="bench", check=True):
    return run([VENV_PY, BASELINE, "--count", count, "--suffix-prefix", suffix_prefix,
                "--topics", ",".join(TOPICS)], org_env(sim, org), check)


def short_error(stderr):
    """The API's message of the baseline's last error line, ids elided, so runs compare equal."""
    line = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    head, _, body = line.partition(": {")
    try:
        msg = json.loads("{" + body)["message"]
    except ValueError:
        msg = line
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", f"{head}: {msg}")


def med(xs):
    return statistics.median(xs)


def spread(xs):
    """min-max, the spread reported beside each median."""
    return min(xs), max(xs)


def fmt_t(xs):
    lo, hi = spread(xs)
    m = med(xs)
    if m < 1:
        return f"{m * 1000:.0f} ms ({lo * 1000:.0f}-{hi * 1000:.0f})"
    return f"{m:.2f} s ({lo:.2f}-{hi:.2f})"


def fmt_med(xs):
    """The median alone, as fmt_t writes it: the headline bullets leave the spread to the tables."""
    return fmt_t(xs).split(" (")[0]


def fmt_mem(xs):
    return f"{med(xs):.1f} MiB"


def ratio(a, b):
    return f"{med(a) / med(b):.1f}x"


def req_summary(c):
    s429 = c.get("byStatus", {}).get("429", 0)
    return {"total": c["total"], "writes": c["writes"], "429": s429,
            "reads": c["total"] - c["writes"], "byClient": c.get("byClient", {})}


def alternate(rounds, fns):
    """fns: {label: fn(round) -> record}; alternates the order every round."""
    out = {k: [] for k in fns}
    keys = list(fns)
    for r in range(rounds):
        order = keys if r % 2 == 0 else list(reversed(keys))
        for k in order:
            out[k].append(fns[k](r))
    return out


# ---------------------------------------------------------------- scenarios

def s0_critical_path(runs, latency=50):
    """Dependent round trips of a first apply and a re-apply, from the emulator's request trace."""
    rows, raw = [], {"first": [], "again": []}
    for _ in range(runs):
        trace = WORK / f"trace-{time.monotonic_ns()}"
        with Sim(sim_toml([("bench", None)]), latency, trace=trace) as sim:
            text = single_org_file(sim.url, 1)
            for key in ("first", "again"):
                if key == "again":
                    # A re-apply started within the lock's 20 ms mtime slack of the previous run's release
                    # does not trust its early listing and reads the org again under the lock (lock.rs
                    # `untouched_since`); a person or a CI job never re-runs that fast.
                    time.sleep(0.1)
                trace.write_text("")
                w, _m, _o = gcb_apply(sim, text)
                chain = chain_of.levels(chain_of.read_trace(trace))
                raw[key].append({"wall": w, "round_trips": len(chain), "chain": chain_of.render(chain)})
    for key, label, bound in (("first", "first apply", 5), ("again", "re-apply, unchanged", 2)):
        r = raw[key]
        limit = (bound * latency + 40) / 1000
        rows.append([label, fmt_t([x["wall"] for x in r]), f"{bound * latency + 40} ms",
                     str(r[0]["round_trips"]), str(bound), r[0]["chain"],
                     "yes" if med([x["wall"] for x in r]) <= limit else "no"])
    return md_table(["run", "wall, median (min-max)", f"bound ({latency} ms x trips + 40 ms)", "round trips",
                     "bound's trips", "chain (parallel requests in brackets)", "within"], rows), raw


def s1_first_apply(runs):
    rows, raw = [], {}
    for latency in (0, 50):
        def g(_):
            with Sim(sim_toml([("bench", None)]), latency) as sim:
                w, m, _o = gcb_apply(sim, single_org_file(sim.url, 1))
                return {"wall": w, "rss": m, **req_summary(sim.counters())}

        def p(_):
            with Sim(sim_toml([("bench", None)]), latency) as sim:
                w, m, _o = py_apply(sim, 1)
                return {"wall": w, "rss": m, **req_summary(sim.counters())}
        res = alternate(runs, {"gcbridge": g, "baseline": p})
        raw[latency] = res
        for k in ("gcbridge", "baseline"):
            r = res[k]
            rows.append([f"{latency} ms", k, fmt_t([x["wall"] for x in r]),
                         f'{r[0]["total"]} ({r[0]["writes"]} writes)', fmt_mem([x["rss"] for x in r])])
        rows.append([f"{latency} ms", "**baseline / gcbridge**",
                     ratio([x["wall"] for x in res["baseline"]], [x["wall"] for x in res["gcbridge"]]),
                     "", ratio([x["rss"] for x in res["baseline"]], [x["rss"] for x in res["gcbridge"]])])
    table = md_table(["latency", "tool", "wall, median (min-max)", "requests", "peak RSS"], rows)
    return table, raw


def s2_reapply(runs):
    rows, raw = [], {}
    for latency in (0, 50):
        def g(_):
            with Sim(sim_toml([("bench", None)]), latency) as sim:
                text = single_org_file(sim.url, 1)
                gcb_apply(sim, text)
                sim.clear()
                w, m, _o = gcb_apply(sim, text)
                c = req_summary(sim.counters())
                return {"wall": w, "rss": m, **c, "integrations": len(sim.integrations()), "rc": run.last_rc}

        def p(_):
            with Sim(sim_toml([("bench", None)]), latency) as sim:
                py_apply(sim, 1)
                sim.clear()
                w, m, _o = py_apply(sim, 1, check=False)
                c = req_summary(sim.counters())
                err = short_error(run.last_err) if run.last_rc else ""
                return {"wall": w, "rss": m, **c, "integrations": len(sim.integrations()), "rc": run.last_rc,
                        "err": err}
        res = alternate(runs, {"gcbridge": g, "baseline": p})
        raw[latency] = res
        for k in ("gcbridge", "baseline"):
            r = res[k]
            rows.append([f"{latency} ms", k, fmt_t([x["wall"] for x in r]), str(r[0]["reads"]),
                         str(max(x["writes"] for x in r)), str(r[0]["integrations"]), str(r[0]["rc"])])
        rows.append([f"{latency} ms", "**baseline / gcbridge**",
                     ratio([x["wall"] for x in res["baseline"]], [x["wall"] for x in res["gcbridge"]]), "", "", "", ""])
    table = md_table(["latency", "tool", "wall of the 2nd run, median (min-max)", "reads", "writes",
                      "integrations in the org afterwards", "exit code"], rows)
    errs = {x["err"] for v in raw.values() for x in v["baseline"] if x.get("err")}
    if errs:
        table += "\nThe baseline's second run: " + "; ".join(f"`{e[:400]}`" for e in sorted(errs)) + "\n"
    return table, raw


def s3_startup(runs):
    raw = {}
    with Sim(sim_toml([("bench", None)]), 0) as sim:
        env = org_env(sim)
        cases = {
            "gcbridge --version": lambda _: run([BIN, "--version"])[:2],
            "python: import PureCloudPlatformClientV2": lambda _: run(
                [VENV_PY, "-c", "import PureCloudPlatformClientV2"])[:2],
            "gcbridge whoami (token + org + permissions)": lambda _: run([BIN, "whoami"], env)[:2],
            "python: import + token + GET organizations/me": lambda _: run(
                [VENV_PY, BASELINE, "--whoami"], env)[:2],
        }
        sim.clear()
        run([BIN, "whoami"], env)
        who_g = req_summary(sim.counters())["total"]
        sim.clear()
        run([VENV_PY, BASELINE, "--whoami"], env)
        who_p = req_summary(sim.counters())["total"]
        for r in range(runs):
            for k in (list(cases) if r % 2 == 0 else reversed(list(cases))):
                raw.setdefault(k, []).append(cases[k](r))
    rows = []
    for k, v in raw.items():
        n = {"gcbridge whoami (token + org + permissions)": who_g,
             "python: import + token + GET organizations/me": who_p}.get(k, 0)
        rows.append([k, fmt_t([x[0] for x in v]), str(n), fmt_mem([x[1] for x in v])])
    ks = list(raw)
    rows.append(["**python import / gcbridge --version**", ratio([x[0] for x in raw[ks[1]]], [x[0] for x in raw[ks[0]]]), "", ""])
    rows.append(["**python whoami / gcbridge whoami**", ratio([x[0] for x in raw[ks[3]]], [x[0] for x in raw[ks[2]]]), "", ""])
    return md_table(["command", "wall, median (min-max)", "requests", "peak RSS"], rows), raw


def bounds(n_per_org, limit, latency_ms, window=60):
    """Returns (steady-rate bound, fixed-window bound) in seconds for the busiest org."""
    floor = CHAIN * latency_ms / 1000
    rate = n_per_org / (limit / window)
    fixed = ((n_per_org - 1) // limit) * window
    return rate + floor, fixed + floor


def s4_fleet(runs, orgs, dests, parallels, base_runs):
    latency, limit = 20, 300
    toml = sim_toml([(f"org-{i}", None) for i in range(orgs)], rate=limit, activation_ms=50)
    env = fleet_env(orgs)

    def g(par):
        def f(_):
            with Sim(toml, latency, limit) as sim:
                w, m, _o = gcb_apply(sim, fleet_file(sim.url, orgs, dests), ["--parallel", par], env)
                c = req_summary(sim.counters())
                return {"wall": w, "rss": m, **c}
        return f

    def p(r):
        if r >= base_runs:
            return None
        with Sim(toml, latency, limit) as sim:
            t0 = time.perf_counter()
            rss = 0
            for i in range(orgs):
                _w, m, _o = py_apply(sim, dests, org=i, suffix_prefix=f"org-{i}")
                rss = max(rss, m)
            w = time.perf_counter() - t0
            return {"wall": w, "rss": rss, **req_summary(sim.counters())}
    fns = {f"gcbridge --parallel {x}": g(x) for x in parallels}
    fns["baseline, org by org"] = p
    res = alternate(runs, fns)
    res = {k: [x for x in v if x is not None] for k, v in res.items()}
    n_g = max(max(x["byClient"].values()) for x in res[f"gcbridge --parallel {parallels[0]}"])
    n_p = max(max(x["byClient"].values()) for x in res["baseline, org by org"])
    b_rate, b_fixed = bounds(n_g, limit, latency)
    base = [x["wall"] for x in res["baseline, org by org"]]
    rows = []
    for k, r in res.items():
        walls = [x["wall"] for x in r]
        rows.append([k, fmt_t(walls), f'{r[0]["total"]} ({r[0]["writes"]} writes)',
                     str(max(x["429"] for x in r)), fmt_mem([x["rss"] for x in r]),
                     f"{med(base) / med(walls):.1f}x" if k.startswith("gcbridge") else "1.0x",
                     f"{med(walls) / b_rate:.2f}", f"{med(walls) / b_fixed:.1f}"])
    table = md_table(["run", "wall, median (min-max)", "requests", "429s", "peak RSS",
                      "speed-up vs baseline", "x steady-rate bound", "x fixed-window bound"], rows)
    res["bound"] = {"rate": b_rate, "fixed": b_fixed, "per_org": n_g}
    note = (f"{orgs} orgs x {dests} destinations, {latency} ms per request, {limit}/min per client. "
            f"Requests per org: gcbridge {n_g}, baseline {n_p}. Steady-rate bound = {n_g} / ({limit}/60) s + "
            f"{CHAIN} x {latency} ms = {b_rate:.2f} s; fixed-window bound = {b_fixed:.2f} s "
            f"({n_g} <= {limit}: the window never has to reset, only the latency floor remains).")
    return table, note, res


def s5_big_org(runs, dests, limit, window, latency):
    per_min = limit * 60 // window
    toml = sim_toml([("big", limit)], rate=limit, window_secs=window if window != 60 else None)

    def g(_):
        with Sim(toml, latency, limit) as sim:
            w, m, _o = gcb_apply(sim, single_org_file(sim.url, dests))
            return {"wall": w, "rss": m, **req_summary(sim.counters()), "integrations": len(sim.integrations())}

    def p(_):
        with Sim(toml, latency, limit) as sim:
            w, m, out = py_apply(sim, dests)
            r = json.loads(out.strip().splitlines()[-1])
            return {"wall": w, "rss": m, **req_summary(sim.counters()), "retries": r["retries429"],
                    "integrations": len(sim.integrations())}
    res = alternate(runs, {"gcbridge": g, "baseline": p})
    rows = []
    notes = []
    for k, r in res.items():
        n = r[0]["total"]
        b_rate, b_fixed = bounds(n, limit, latency, window)
        walls = [x["wall"] for x in r]
        rows.append([k, fmt_t(walls), str(n), str(max(x["429"] for x in r)), fmt_mem([x["rss"] for x in r]),
                     f"{b_rate:.1f} s", f"{med(walls) / b_rate:.2f}", f"{b_fixed:.1f} s",
                     f"{med(walls) / b_fixed:.2f}" if b_fixed else "n/a"])
        notes.append(f"{k}: {n} requests")
    base = [x["wall"] for x in res["baseline"]]
    gw = [x["wall"] for x in res["gcbridge"]]
    rows.append(["**baseline / gcbridge**", f"{med(base) / med(gw):.1f}x", "", "", "", "", "", "", ""])
    table = md_table(["tool", "wall, median (min-max)", "requests", "429s", "peak RSS",
                      "steady-rate bound", "x bound", "fixed-window bound", "x bound"], rows)
    note = (f"{dests} destinations in one org, {limit} requests per {window} s window ({per_min}/min), "
            f"{latency} ms per request, {runs} runs each; " + "; ".join(notes) + ".")
    return table, note, res


def s6_topics(runs):
    raw = {}
    with Sim(sim_toml([("bench", None)]), 0) as sim:
        env = org_env(sim)
        f = WORK / "all-topics.toml"
        f.write_text(f'[genesys]\napi_url = "{sim.url}"\n\n[[destination]]\nname = "everything"\n'
                     'aws_account_id = "123456000000"\naws_region = "us-east-1"\n'
                     'event_source_suffix = "everything"\ntopics = ["v2.*"]\n')
        cases = {
            "gcbridge topics --search presence": lambda: run([BIN, "topics", "--search", "presence"], env)[:2],
            "python: SDK get_notifications_availabletopics + filter": lambda: run(
                [VENV_PY, BASELINE, "--topics-search", "presence"], env)[:2],
            "gcbridge plan, one destination with every topic (`v2.*`)": lambda: run([BIN, "plan", "-f", f], env)[:2],
        }
        for r in range(runs):
            for k in (list(cases) if r % 2 == 0 else reversed(list(cases))):
                raw.setdefault(k, []).append(cases[k]())
        sim.clear()
        run([BIN, "plan", "-f", f], env)
        n_plan = sim.counters()["total"]
        sim.clear()
        run([BIN, "topics", "--search", "presence"], env)
        n_topics = sim.counters()["total"]
    rows = [[k, fmt_t([x[0] for x in v]), fmt_mem([x[1] for x in v])] for k, v in raw.items()]
    ks = list(raw)
    rows.append(["**python / gcbridge topics --search**", ratio([x[0] for x in raw[ks[1]]], [x[0] for x in raw[ks[0]]]), ""])
    note = f"Requests per call: topics --search {n_topics}, plan {n_plan}."
    return md_table(["command", "wall, median (min-max)", "peak RSS"], rows), note, raw


def s7_listing(runs):
    """Pages of the EventBridge listing: an org with 2,000 integrations of other types against one with none."""
    rows, raw = [], {}
    for others in (0, 2000):
        def one(_):
            with Sim(sim_toml([("bench", None)], rate=1_000_000), 0, 1_000_000) as sim:
                token = sim.token()
                for n in range(others):
                    sim.create(token, f"hook-{n:04}", "webhooks")
                text = single_org_file(sim.url, 1)
                gcb_apply(sim, text)
                sim.clear()
                w, m, _o = run([BIN, "plan", "-f", WORK / "gcbridge.toml"], org_env(sim))
                c = sim.counters()
                return {"wall": w, "rss": m, "pages": c.get("byRoute", {}).get("GET /api/v2/integrations", 0),
                        "total": c["total"], "integrations": len(sim.integrations())}
        r = [one(i) for i in range(runs)]
        raw[others] = r
        rows.append([f"{others} other integrations ({r[0]['integrations']} in all)", str(r[0]["pages"]),
                     str(r[0]["total"]), fmt_t([x["wall"] for x in r]), fmt_mem([x["rss"] for x in r])])
    table = md_table(["org", "listing pages of a plan", "requests of a plan", "plan wall, median (min-max)",
                      "peak RSS"], rows)
    note = ("`gcbridge plan` of one applied destination; the listing asks for "
            "`integrationType=amazon-eventbridge-source` at 100 a page, so integrations of other types cost no page.")
    return table, note, raw


def s8_big_fleet(orgs=500, dests=4, latency=20, parallels=("16", "64")):
    """One run per setting: 500 orgs x 4 destinations at 20 ms, peak RSS, no 429."""
    limit = 300
    toml = sim_toml([(f"org-{i}", None) for i in range(orgs)], rate=limit, activation_ms=50)
    env = fleet_env(orgs)
    rows, raw = [], {}
    for par in parallels:
        with Sim(toml, latency, limit) as sim:
            w, m, _o = gcb_apply(sim, fleet_file(sim.url, orgs, dests), ["--parallel", par], env)
            c = req_summary(sim.counters())
            made = len(sim.integrations(0))
        per_org = max(c["byClient"].values())
        # Orgs are independent (one client and limit each): with P at a time, the floor is
        # ceil(orgs / P) org-runs of the busiest org's dependent round trips end to end.
        floor = -(-orgs // int(par)) * (CHAIN + 1) * latency / 1000
        raw[par] = {"wall": w, "rss": m, **c, "per_org": per_org, "floor": floor, "org0_integrations": made,
                    "orgs": orgs, "dests": dests}
        rows.append([f"gcbridge --parallel {par}", f"{w:.1f} s", f'{c["total"]} ({c["writes"]} writes)',
                     str(c["429"]), f"{m:.1f} MiB", str(per_org), f"{floor:.1f} s", f"{w / floor:.2f}"])
    table = md_table(["run", "wall (1 run)", "requests", "429s", "peak RSS", "requests of the busiest org",
                      "latency floor", "x floor"], rows)
    note = (f"{orgs} orgs x {dests} destinations in one `gcbridge apply` of a fleet file, {latency} ms per request, "
            f"{limit}/min per client (never binding at {dests} destinations). Latency floor = ceil(orgs / P) x "
            f"{CHAIN + 1} dependent round trips x {latency} ms (the first apply's chain, issue 14 goal 1).")
    return table, note, raw


def s9_emulator():
    """scripts/bench-sim's tables (wrk against the release emulator), pasted as they come."""
    if not shutil.which("wrk"):
        return "wrk is not installed: `apt-get install -y wrk`, then re-run.\n", {}
    p = subprocess.run([ROOT / "scripts" / "bench-sim"], env=dict(os.environ, GCBRIDGE_BIN=str(BIN)),
                       capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(f"scripts/bench-sim exited {p.returncode}: {p.stderr[-1000:]}")
    # Its headings sit under this scenario's; the temporary binary path says nothing.
    text = re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", p.stdout, flags=re.M)
    return text.replace(str(BIN), "target/release/gcbridge"), {"stdout": p.stdout}


def headline(raw, build):
    """The README's headline bullets, from this run's raw results (only the scenarios that ran)."""
    out = []

    def walls(rs):
        return [x["wall"] for x in rs]

    def rss(rs):
        return [x["rss"] for x in rs]

    def runs(scenario):
        """A scenario's (gcbridge runs, baseline runs)."""
        return scenario["gcbridge"], scenario["baseline"]
    if "0" in raw:
        f, a = raw["0"]["first"], raw["0"]["again"]
        out.append(f"- the critical path at 50 ms per request: a first apply in **{f[0]['round_trips']} dependent round "
                   f"trips** (the bound is 5; {fmt_t(walls(f))}), a re-apply in **{a[0]['round_trips']}** (bound 2; "
                   f"{fmt_t(walls(a))});")
    if "1" in raw and 50 in raw["1"]:
        g, b = runs(raw["1"][50])
        out.append(f"- one destination, first apply: **{ratio(walls(b), walls(g))} faster** at 50 ms per request "
                   f"({fmt_med(walls(g))} against {fmt_med(walls(b))}), in "
                   f"**{ratio(rss(b), rss(g))} less memory** "
                   f"({fmt_mem(rss(g))} against {fmt_mem(rss(b))});")
    if "2" in raw and 50 in raw["2"]:
        g, b = runs(raw["2"][50])
        out.append(f"- re-applied unchanged: **{max(x['writes'] for x in g)} writes** ({g[0]['reads']} reads, "
                   f"{fmt_med(walls(g))}), where the script leaves {b[0]['integrations']} integrations "
                   f"and exits {b[0]['rc']};")
    if "4" in raw:
        r = raw["4"]
        bound = r.get("bound", {})
        runs_g = {k: v for k, v in r.items() if k.startswith("gcbridge")}
        best = min(runs_g, key=lambda k: med(walls(runs_g[k])))
        base = walls(r["baseline, org by org"])
        out.append(f"- a fleet of 20 orgs x 5 destinations at 20 ms: **{fmt_med(walls(runs_g[best]))} with "
                   f"`{best.replace('gcbridge ', '')}`, {med(base) / med(walls(runs_g[best])):.0f}x faster** than the script "
                   f"org by org ({fmt_med(base)}), {max(x['429'] for x in runs_g[best])} 429s, "
                   f"{med(walls(runs_g[best])) / bound['rate']:.2f}x the steady-rate bound;" if bound else "")
    for key, limit, window, text in (("5", 1200, 60, "200 destinations in one org at 1,200 requests/min"),
                                     ("5b", 200, 10, "the same when the limit binds (200 requests per 10 s window)")):
        if key in raw:
            g, b = runs(raw[key])
            b_rate, _ = bounds(g[0]["total"], limit, 20, window)
            out.append(f"- {text}: **{fmt_med(walls(g))}, {med(walls(g)) / b_rate:.2f}x the bound**, "
                       f"{max(x['429'] for x in g)} 429s; the script {fmt_med(walls(b))} with "
                       f"{max(x['429'] for x in b)} 429s;")
    if "8" in raw:
        for par, r in raw["8"].items():
            out.append(f"- {r['orgs']} orgs x {r['dests']} destinations in one run at 20 ms (`--parallel {par}`): "
                       f"**{r['wall']:.1f} s, {r['rss']:.0f} MiB peak RSS**, {r['429']} 429s;")
    if "7" in raw:
        out.append(f"- the listing of an org with 2,000 integrations of other types: **{raw['7'][2000][0]['pages']} "
                   f"page**, as with none ({raw['7'][0][0]['pages']});")
    if "3" in raw:
        ks = list(raw["3"])
        out.append(f"- start-up: `gcbridge --version` {fmt_med([x[0] for x in raw['3'][ks[0]]])} against "
                   f"{fmt_med([x[0] for x in raw['3'][ks[1]]])} for importing the SDK;")
    if build:
        out.append(f"- the release binary: {build['size_bytes'] / 1e6:.1f} MB stripped.")
    return "\n".join(x for x in out if x) + "\n"


def md_table(head, rows):
    s = "| " + " | ".join(head) + " |\n|" + "|".join("---" for _ in head) + "|\n"
    return s + "".join("| " + " | ".join(r) + " |\n" for r in rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", help="comma-separated scenario numbers, e.g. 1,4")
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, help="runs per case (default 5, quick 2); the fleet's baseline and scenario 5 use fewer")
    ap.add_argument("--build-json", help="build facts written by scripts/bench")
    a = ap.parse_args()
    q = a.quick
    runs = a.runs or (2 if q else 5)
    base_runs = 1 if q else max(1, min(3, runs - 2))
    r5 = 1 if q else min(3, runs)
    only = set(a.only.split(",")) if a.only else {"0", "1", "2", "3", "4", "5", "5b", "6", "7", "8", "9"}
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    sections, raw = [], {}
    started = time.time()

    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    sdk_version = subprocess.run([VENV_PY, "-c", "import importlib.metadata as m; print(m.version('purecloudplatformclientv2'))"],
                                 capture_output=True, text=True).stdout.strip()
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--", "crates", "Cargo.lock") else ""
    sections.append(
        f"Measured {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} at commit "
        f"`{git('rev-parse', '--short', 'HEAD')}`{dirty}; `nproc` = {os.cpu_count()}; "
        f"`uname -a`: `{subprocess.run(['uname', '-a'], capture_output=True, text=True).stdout.strip()}`; "
        f"{subprocess.run([BIN, '--version'], capture_output=True, text=True).stdout.strip()}; "
        f"{subprocess.run([VENV_PY, '--version'], capture_output=True, text=True).stdout.strip()} with "
        f"purecloudplatformclientv2 "
        f"{sdk_version}. "
        f"Command: `scripts/bench{' --quick' if q else ''}{f' --runs {a.runs}' if a.runs else ''}`; load average at start {os.getloadavg()[0]:.1f}.\n")
    if a.build_json and Path(a.build_json).exists():
        b = json.loads(Path(a.build_json).read_text())
        rows = [["release binary `target/release/gcbridge`", f'{b["size_bytes"] / 1e6:.1f} MB ({b["size_bytes"]} bytes)']]
        cold = ROOT / "bench" / "results" / "cold-build.json"
        if cold.exists():
            c = json.loads(cold.read_text())
            load = f'; load average {c["load"]}' if c.get("load") else ""
            rows.append([f'cold `cargo build --release -p gcbridge` (empty target dir, crates already downloaded; '
                         f'measured {c["date"]} at `{c["commit"]}`{load})', f'{c["cold_build_secs"] / 60:.1f} min ({c["cold_build_secs"]} s)'
                         + (f', {c["cold_build_cpu_secs"]} s of CPU' if "cold_build_cpu_secs" in c else '')])
            if "cold_test_secs" in c:
                verdict = "" if c.get("cold_test_rc", 0) == 0 else f' (it failed: exit {c["cold_test_rc"]})'
                rows.append([f'cold `scripts/test` (empty target dir, right after the cold build; measured {c["date"]} at '
                             f'`{c["commit"]}`)', f'{c["cold_test_secs"] / 60:.1f} min ({c["cold_test_secs"]} s){verdict}'])
        rows.append(["`bench/.venv` with the SDK (site-packages)", b.get("venv_size", "?")])
        sections.append("### Build\n\n" + md_table(["what", "value"], rows))
    def flush():
        (out / "tables.md").write_text("\n".join(sections))
        (out / "raw.json").write_text(json.dumps(raw, indent=1, default=str))
    def run(key, label, body):
        """Runs one scenario; `body` returns (title, (table, raw)) or (title, (table, note, raw)).
        A broken scenario must not lose the others."""
        if key not in only:
            return
        try:
            log(f"scenario {key}: {label}")
            title, result = body()
            t, note, raw[key] = result if len(result) == 3 else (result[0], None, result[1])
            sections.append(f"### {title}\n\n" + (f"{note}\n\n" if note else "") + t)
        except Exception as e:
            sections.append(f"### scenario {key} failed: {e!r}\n")
        flush()

    def plain(title, f):
        return lambda: (title, f(runs))

    run("0", "critical path", plain(f"0. The critical path at 50 ms ({runs} runs each)", s0_critical_path))
    run("1", "first apply", plain(f"1. One destination, first apply ({runs} runs each)", s1_first_apply))
    run("2", "re-apply unchanged", plain(f"2. The same, re-applied unchanged ({runs} runs each)", s2_reapply))
    run("3", "start-up", plain(f"3. Process start ({runs} runs each, emulator latency 0)", s3_startup))
    orgs, fleet_dests = (5, 2) if q else (20, 5)
    pars = ["1", "4", "5"] if q else ["1", "4", "8", "20"]
    run("4", "fleet", lambda: (
        f"4. The fleet ({runs} runs of each gcbridge setting, {base_runs} of the baseline, whose run is {orgs} processes)",
        s4_fleet(runs, orgs, fleet_dests, pars, base_runs)))
    dests = 40 if q else 200
    run("5", "200 destinations in one org", lambda: (
        f"5. {dests} destinations in one org, 1,200 requests/min", s5_big_org(r5, dests, 1200, 60, 20)))
    # The same average rate in 10 s windows, where the limit binds and the 429 path is exercised.
    run("5b", "the same, 200 requests per 10 s window", lambda: (
        "5b. The same at the same average rate in 10 s windows (the limit binds)", s5_big_org(r5, dests, 200, 10, 20)))
    run("6", "topics and plan", lambda: (
        f"6. Topic search and plan on the full catalogue ({runs} runs each, latency 0)", s6_topics(runs)))
    run("7", "the listing", lambda: (
        f"7. The listing: 2,000 integrations of other types ({min(runs, 3)} runs each, latency 0)", s7_listing(min(runs, 3))))
    big = (100, 4, ("16",)) if q else (500, 4, ("16", "64"))
    run("8", "500 orgs x 4 destinations", lambda: (
        f"8. {big[0]} orgs x {big[1]} destinations in one run at 20 ms (1 run each)",
        s8_big_fleet(big[0], big[1], 20, big[2])))
    if not q:
        run("9", "the emulator under load", lambda: (
            "9. The emulator under load (`scripts/bench-sim`, wrk, release)", s9_emulator()))
    sections.append(f"Whole benchmark: {(time.time() - started) / 60:.1f} min.\n")
    build = json.loads(Path(a.build_json).read_text()) if a.build_json and Path(a.build_json).exists() else None
    try:
        (out / "headline.md").write_text(headline(raw, build))
    except Exception as e:  # a headline that cannot be made must not lose the tables
        log(f"no headline: {e!r}")
    (out / "tables.md").write_text("\n".join(sections))
    (out / "raw.json").write_text(json.dumps(raw, indent=1, default=str))
    shutil.rmtree(WORK, ignore_errors=True)
    log(f"wrote {out / 'tables.md'}")


if __name__ == "__main__":
    main()
