"""Corrections (t) to (w) of scripts/moto/launcher.py: archives, replays and a PENDING source's expiry.

moto 5.2.5 archives a bus's events (CreateArchive puts a managed rule Events-Archive-NAME on the bus), but its
StartReplay ignores the replay's time window and its Destination.FilterArns, re-delivers every archived event to
every rule, looks the destination bus up by the text after its last "/" (for a partner bus
aws.partner/genesys.com/cloud/ORG/SUFFIX that is "SUFFIX": the replay fails or reaches another bus), and finishes
inside the StartReplay call, so a replay is never RUNNING and CancelReplay "cancels" a COMPLETED one. Its
DescribeEventSource never says when a PENDING source expires. `patch()` corrects:

  (t)  `start_replay`: re-delivers exactly the archived events whose time (the event's "time" field: "A replay
       processes events to replay based on the time in the event", API_StartReplay) is within
       [EventStartTime, EventEndTime) -- AWS says "between" and leaves the ends open; the end is taken as exclusive
       here, as gcbridge's own window is -- to the rules of Destination.FilterArns only when given (each must be a
       rule on the destination bus: an ARN that is not is a ValidationException, whose text is assumed), else to
       every rule of the bus. Each replayed event carries "replay-name" (so the archive's own rule, which excludes
       it, does not archive it again: "Replayed events are not sent to an archive", API_CreateArchive) and goes
       through the rule's targets like any event (their delivery checks of scripts/moto/delivery.py included),
       which receive it with its "replay-name" (moto's default input template dropped the field).
       EventStartTime must be before EventEndTime ("EventStartTime must be before EventEndTime"; moto let equal
       times through). The destination bus is the whole name after "event-bus/".
  (u)  the replay runs in the background, as on AWS (StartReplay answers STARTING; DescribeReplay says RUNNING,
       then COMPLETED, CANCELLED or FAILED, with EventLastReplayedTime: "the time within the specified time range
       associated with the last event replayed"), paced at PACE_SECONDS per event so a test can see it RUNNING and
       cancel it. AWS replays in one-minute slices and takes minutes; the pace here is only a stand-in.
  (v)  `cancel_replay`: only a STARTING or RUNNING replay can be cancelled (AWS: IllegalStatusException otherwise);
       it goes CANCELLING, and CANCELLED once the replay stops (no event is replayed after that).
       UpdateArchive with RetentionDays = 0 (retain indefinitely) sets it (moto ignored a 0).
  (w)  DescribeEventSource of a PENDING source carries ExpirationTime: PENDING_DAYS after it became PENDING
       ("If it remains in PENDING state for more than two weeks, it is deleted", API_DeactivateEventSource), and
       CreationTime under AWS's name (moto wrote "CreatedOn").
"""

import sys
import threading
import time
import uuid
from datetime import datetime

PACE_SECONDS = 0.02
PENDING_DAYS = 14

_LOCK = threading.Lock()


def event_time(event):
    """The event's "time" as epoch seconds: moto keeps PutEvents' Time (a number) or the time it took the event."""
    t = event.get("time")
    if isinstance(t, (int, float)):
        return float(t)
    try:
        return float(t)
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromisoformat(str(t).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def in_window(event, start, end):
    t = event_time(event)
    return t is not None and start <= t < end


def _run(replay, bus, events, filters, m):
    """(u) Replays `events` (in time order) onto the rules of `bus`, one every PACE_SECONDS, until done or cancelled."""
    with _LOCK:
        if replay.state == m.ReplayState.STARTING:
            replay.state = m.ReplayState.RUNNING
    for event in events:
        if replay.cancel.is_set():
            break
        time.sleep(PACE_SECONDS)
        msg = dict(event, **{"id": str(uuid.uuid4()), "replay-name": replay.name})
        for rule in list(bus.rules.values()):
            if filters and rule.arn not in filters:
                continue
            try:
                rule.send_to_targets(dict(msg))
            except Exception as e:  # one rule's failure does not stop the replay, as on AWS
                print(f"moto replay {replay.name}: rule {rule.arn}: {type(e).__name__}: {e}", file=sys.stderr)
        replay.last_replayed = event_time(event)
    with _LOCK:
        replay.state = m.ReplayState.CANCELLED if replay.cancel.is_set() else m.ReplayState.COMPLETED
        replay.end_time = time.time()


def patch():
    from moto.core.utils import unix_time
    from moto.events import models as m
    from moto.events import utils as u
    from moto.events.exceptions import (IllegalStatusException, ResourceAlreadyExistsException,
                                        ValidationException)

    B = m.EventsBackend

    def start_replay(self, name, description, source_arn, start_time, end_time, destination):
        """(t) The window and FilterArns honoured, the partner bus found by its whole name; (u) in the background."""
        bus_arn = destination.get("Arn", "")
        if ":event-bus/" not in bus_arn:
            raise ValidationException("Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN.")
        bus = self._get_event_bus(bus_arn)
        archive_name = source_arn.split(":archive/", 1)[-1]
        archive = self.archives.get(archive_name)
        if archive is None:
            raise ValidationException(
                f"Parameter EventSourceArn is not valid. Reason: Archive {archive_name} does not exist.")
        if bus_arn != archive.source_arn:
            raise ValidationException(
                "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.")
        start, end = float(start_time), float(end_time)
        if start >= end:
            raise ValidationException(
                "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.")
        filters = set(destination.get("FilterArns") or [])
        on_bus = {rule.arn for rule in bus.rules.values()}
        stray = sorted(filters - on_bus)
        if stray:
            raise ValidationException(
                f"Parameter Destination.FilterArns is not valid. Reason: {stray[0]} is not a rule on {bus.name}.")
        if name in self.replays:
            raise ResourceAlreadyExistsException(f"Replay {name} already exists.")
        replay = m.Replay(self.account_id, self.region_name, name, description, source_arn, start_time, end_time,
                          destination)
        replay.cancel = threading.Event()
        replay.last_replayed = None
        self.replays[name] = replay
        chosen = sorted((e for e in list(archive.events) if in_window(e, start, end)), key=event_time)
        threading.Thread(target=_run, args=(replay, bus, chosen, filters, m), daemon=True).start()
        return {"ReplayArn": replay.arn, "ReplayStartTime": replay.start_time, "State": "STARTING"}

    def cancel_replay(self, name):
        """(v) Only a STARTING or RUNNING replay can be cancelled."""
        replay = self._get_replay(name)
        with _LOCK:
            if replay.state not in (m.ReplayState.STARTING, m.ReplayState.RUNNING):
                raise IllegalStatusException(f"Replay {name} is not in a valid state for this operation.")
            replay.state = m.ReplayState.CANCELLING
            getattr(replay, "cancel", threading.Event()).set()
        return {"ReplayArn": replay.arn, "State": "CANCELLING"}

    B.start_replay, B.cancel_replay = start_replay, cancel_replay

    # (t) A replayed event reaches its targets with its "replay-name" (moto's default input template drops it).
    parser = u.EventTemplateParser
    moto_parse = parser.parse

    def parse(input_template, input_paths_map, event):
        out = moto_parse(input_template, input_paths_map, event)
        if not input_template and isinstance(out, dict) and "replay-name" in event:
            out["replay-name"] = event["replay-name"]
        return out

    parser.parse = staticmethod(parse)

    moto_describe = m.Replay.describe

    def describe(self):
        """(u) EventLastReplayedTime once an event was replayed; no ReplayEndTime before the end."""
        out = moto_describe(self)
        if getattr(self, "last_replayed", None) is not None:
            out["EventLastReplayedTime"] = self.last_replayed
        if out.get("ReplayEndTime") is None:
            out.pop("ReplayEndTime", None)
        return out

    m.Replay.describe = describe

    moto_update = m.Archive.update

    def update(self, description, event_pattern, retention):
        """(v) RetentionDays = 0 is a value (retain indefinitely), not an absent one."""
        moto_update(self, description, event_pattern, retention)
        if retention is not None:
            self.retention = int(retention)

    m.Archive.update = update

    # (w) Every state change of a source goes through this property, so the time it became PENDING is known.
    Source = m.PartnerEventSource

    def get_state(self):
        return self.__dict__.get("_state")

    def set_state(self, value):
        if value == "PENDING" and self.__dict__.get("_state") != "PENDING":
            self.__dict__["_pending_since"] = unix_time()
        self.__dict__["_state"] = value

    Source.state = property(get_state, set_state)

    moto_to_dict = Source.to_dict

    def to_dict(self):
        out = moto_to_dict(self)
        out["CreationTime"] = out.pop("CreatedOn", self.created_on)
        if self.state == "PENDING":
            out["ExpirationTime"] = self.__dict__.get("_pending_since", self.created_on) + PENDING_DAYS * 86400
        return out

    Source.to_dict = to_dict
