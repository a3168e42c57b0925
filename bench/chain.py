"""The critical path of one apply: the emulator's request trace (`gcbridge sim --request-trace FILE`)
turned into dependent round trips. A request depends on every request that ended before it started;
its depth is one more than the deepest of those, and the run's round trips are the deepest depth."""

from pathlib import Path


def read_trace(path):
    out = []
    for line in Path(path).read_text().splitlines():
        start, end, method, route = line.split(" ", 3)
        out.append((int(start), int(end), method, route))
    return sorted(out)


def levels(reqs):
    """The requests by depth: [[(method, route), ...] for depth 1, depth 2, ...]."""
    depth = []
    for i, (start, _end, _m, _r) in enumerate(reqs):
        depth.append(1 + max((depth[j] for j in range(i) if reqs[j][1] <= start), default=0))
    chain = [[] for _ in range(max(depth, default=0))]
    for d, (_s, _e, method, route) in zip(depth, reqs):
        chain[d - 1].append(short(method, route))
    return chain


def short(method, route):
    names = {
        "POST /oauth/token": "token",
        "GET /api/v2/organizations/me": "organizations/me",
        "GET /api/v2/notifications/availabletopics": "catalogue",
        "GET /api/v2/integrations": "listing",
        "POST /api/v2/integrations": "create",
        "GET /api/v2/integrations/{integrationId}/config/current": "GET config",
        "PUT /api/v2/integrations/{integrationId}/config/current": "PUT config",
        "PATCH /api/v2/integrations/{integrationId}": "enable",
    }
    return names.get(f"{method} {route}", f"{method} {route}")


def render(chain):
    return " → ".join(" + ".join(level) if len(level) == 1 else "(" + " + ".join(level) + ")"
                      for level in chain)
