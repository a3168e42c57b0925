"""scripts/moto/selfcheck.py's checks of corrections (t) to (w) (scripts/moto/replay.py), on a partner bus as gcbridge
uses it: a PENDING source carries its ExpirationTime; an archive of the bus keeps the partner's events; StartReplay
re-delivers exactly the archived events of its window [EventStartTime, EventEndTime) (by their own time, which the
partner set with Time), to every rule or only to FilterArns, in the background, and a running replay can be
cancelled. Without replay.py moto replays every archived event (or fails to find the partner bus by its last "/"
part), so the window checks fail.
"""

import json
import time
import uuid
from datetime import datetime, timedelta, timezone

REGION, CUSTOMER, PARTNER = "us-east-1", "123456789012", "210987654321"


def replay_steps(step, endpoint, run_id, h):
    """Registers the checks with `step` (selfcheck.run's decorator); `h` is the selfcheck module (its helpers)."""
    p_ev, ev = h.client(endpoint, "events", PARTNER), h.client(endpoint, "events", CUSTOMER)
    sqs = h.client(endpoint, "sqs", CUSTOMER)
    name = f"aws.partner/genesys.com/cloud/{uuid.uuid4()}/replay-{run_id}"
    bus_arn = f"arn:aws:events:{REGION}:{CUSTOMER}:event-bus/{name}"
    now = datetime.now(timezone.utc).replace(microsecond=0)
    at = {"old": now - timedelta(hours=1), "in": now - timedelta(minutes=30), "end": now - timedelta(minutes=10)}
    start, end = now - timedelta(minutes=40), at["end"]
    state = {}

    def put(label, n):
        entries = [{"Source": name, "DetailType": "v2.users.{id}.presence", "Time": at[label],
                    "Detail": json.dumps({"marker": f"{label}-{i}"})} for i in range(n)]
        for i in range(0, n, 10):
            h.put_partner(p_ev, entries[i:i + 10])

    def markers(bodies):
        return sorted(b.get("detail", {}).get("marker") for b in bodies)

    def replay(suffix, **destination):
        replay_name = f"gcb-{run_id}-{suffix}"
        got = ev.start_replay(ReplayName=replay_name, EventSourceArn=state["archive"], EventStartTime=start,
                              EventEndTime=end, Destination=dict({"Arn": bus_arn}, **destination))
        h.expect(got["State"] == "STARTING", f"StartReplay State {got['State']}, want STARTING")
        return replay_name

    def wait(replay_name, timeout=10.0):
        deadline, seen = time.monotonic() + timeout, set()
        while time.monotonic() < deadline:
            got = ev.describe_replay(ReplayName=replay_name)
            seen.add(got["State"])
            if got["State"] in ("COMPLETED", "CANCELLED", "FAILED"):
                return got, seen
            time.sleep(0.05)
        raise h.CheckFailed(f"replay {replay_name} did not end within {timeout}s (states seen: {sorted(seen)})")

    @step("w: a PENDING partner source carries ExpirationTime (14 days on), an ACTIVE one none")
    def _():
        p_ev.create_partner_event_source(Name=name, Account=CUSTOMER)
        got = ev.describe_event_source(Name=name)
        expires = got.get("ExpirationTime")
        h.expect(got["State"] == "PENDING" and expires is not None, f"no ExpirationTime while PENDING: {got}")
        days = (expires - got["CreationTime"]).total_seconds() / 86400
        h.expect(abs(days - 14) < 0.01, f"ExpirationTime is {days:.2f} days after CreationTime, want 14")
        ev.create_event_bus(Name=name, EventSourceName=name)
        got = ev.describe_event_source(Name=name)
        h.expect(got["State"] == "ACTIVE" and "ExpirationTime" not in got, f"ACTIVE with ExpirationTime: {got}")

    @step("t: an archive of the partner bus keeps every partner event (9), rules deliver them as usual")
    def _():
        state["archive"] = ev.create_archive(ArchiveName=f"gcb-{run_id}", EventSourceArn=bus_arn,
                                             RetentionDays=30)["ArchiveArn"]
        for rule in ("r1", "r2"):
            url, arn = h.open_queue(sqs, f"gcb-replay-{rule}-{run_id}")
            state[rule] = url
            ev.put_rule(Name=rule, EventBusName=name, EventPattern=json.dumps({"source": [name]}))
            ev.put_targets(Rule=rule, EventBusName=name, Targets=[{"Id": "q", "Arn": arn}])
        put("old", 3)
        put("in", 4)
        put("end", 2)
        for rule in ("r1", "r2"):
            h.expect(len(h.drain(sqs, state[rule], 9)) == 9, f"{rule}: the 9 events did not arrive")
        got = ev.describe_archive(ArchiveName=f"gcb-{run_id}")
        h.expect(got["EventCount"] == 9, f"archive EventCount {got['EventCount']}, want 9")

    @step("t: StartReplay re-delivers exactly the window's 4 events (not the 3 before, not the 2 at its end) to every rule")
    def _():
        got, _ = wait(replay("all"))
        h.expect(got["State"] == "COMPLETED", f"replay ended {got['State']}: {got}")
        for rule in ("r1", "r2"):
            bodies = h.drain(sqs, state[rule], 5, timeout=2.0)
            h.expect(markers(bodies) == [f"in-{i}" for i in range(4)], f"{rule} got {markers(bodies)}")
            h.expect(all(b.get("replay-name") == f"gcb-{run_id}-all" for b in bodies), f"no replay-name: {bodies[:1]}")
        last = got.get("EventLastReplayedTime")
        h.expect(last is not None and abs((last - at["in"]).total_seconds()) < 1, f"EventLastReplayedTime {last}")
        count = ev.describe_archive(ArchiveName=f"gcb-{run_id}")["EventCount"]
        h.expect(count == 9, f"replayed events were archived again: EventCount {count}")

    @step("t: with Destination.FilterArns only the named rule receives the replay")
    def _():
        r1 = f"arn:aws:events:{REGION}:{CUSTOMER}:rule/{name}/r1"
        got, _ = wait(replay("r1", FilterArns=[r1]))
        h.expect(got["State"] == "COMPLETED", f"replay ended {got['State']}")
        h.expect(markers(h.drain(sqs, state["r1"], 5, timeout=2.0)) == [f"in-{i}" for i in range(4)], "r1 lacks events")
        stray = h.drain(sqs, state["r2"], 1, timeout=1.0)
        h.expect(not stray, f"r2 is not in FilterArns but received {markers(stray)}")

    @step("t: EventStartTime not before EventEndTime, or a FilterArns ARN that is no rule of the bus -> ValidationException")
    def _():
        for window, dest in (((end, end), {"Arn": bus_arn}),
                             ((start, end), {"Arn": bus_arn, "FilterArns": [f"{bus_arn.replace('event-bus', 'rule')}/x"]})):
            code = h.error_of(ev.start_replay, ReplayName=f"gcb-{run_id}-bad-{uuid.uuid4().hex[:4]}",
                              EventSourceArn=state["archive"], EventStartTime=window[0], EventEndTime=window[1],
                              Destination=dest)[0]
            h.expect(code == "ValidationException", f"got {code} for {window} {dest}")

    @step("u, v: a replay runs in the background (RUNNING) and CancelReplay stops it (CANCELLED, not every event replayed)")
    def _():
        put("in", 40)
        h.drain(sqs, state["r1"], 40)
        h.drain(sqs, state["r2"], 40)
        replay_name = replay("cancel", FilterArns=[f"arn:aws:events:{REGION}:{CUSTOMER}:rule/{name}/r1"])
        time.sleep(0.2)
        running = ev.describe_replay(ReplayName=replay_name)["State"]
        h.expect(running == "RUNNING", f"State {running} 0.2 s into a replay of 44 events, want RUNNING")
        got = ev.cancel_replay(ReplayName=replay_name)
        h.expect(got["State"] == "CANCELLING", f"CancelReplay State {got['State']}, want CANCELLING")
        got, _ = wait(replay_name)
        h.expect(got["State"] == "CANCELLED", f"replay ended {got['State']}, want CANCELLED")
        replayed = len(h.drain(sqs, state["r1"], 44, timeout=1.0))
        h.expect(0 < replayed < 44, f"{replayed} of 44 events replayed despite the cancel")
        code = h.error_of(ev.cancel_replay, ReplayName=replay_name)[0]
        h.expect(code == "IllegalStatusException", f"CancelReplay of a CANCELLED replay: {code}")

    @step("v: UpdateArchive RetentionDays = 0 (indefinite) is applied; DeleteArchive removes its managed rule")
    def _():
        archive = f"gcb-{run_id}"
        ev.update_archive(ArchiveName=archive, RetentionDays=0)
        got = ev.describe_archive(ArchiveName=archive)["RetentionDays"]
        h.expect(got == 0, f"RetentionDays {got} after UpdateArchive to 0")
        managed = [r["Name"] for r in ev.list_rules(EventBusName=name)["Rules"] if r.get("ManagedBy")]
        h.expect(managed == [f"Events-Archive-{archive}"], f"managed rules on the bus: {managed}")
        ev.delete_archive(ArchiveName=archive)
        left = [r["Name"] for r in ev.list_rules(EventBusName=name)["Rules"]]
        h.expect(sorted(left) == ["r1", "r2"], f"rules after DeleteArchive: {left}")
