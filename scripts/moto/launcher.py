"""Starts moto 5.2.5's server on 127.0.0.1:PORT with its EventBridge partner-event path corrected.

Run it through scripts/moto-server (which installs the pinned moto into /work/main/.venv first):

    .venv/bin/python scripts/moto/launcher.py PORT

gcbridge's tests drive the AWS side of a Genesys Cloud -> EventBridge pipe against this server: the Genesys
emulator plays the partner (CreatePartnerEventSource, PutPartnerEvents from the partner account) and gcbridge
plays the customer (DescribeEventSource, CreateEventBus from the source, rules and SQS targets on the partner bus).
moto gets that path wrong in the ways listed at each patch below; `patch()` corrects them in
`moto.events.models` / `moto.events.responses` before `moto.server.main` starts. scripts/moto/selfcheck.py
proves each correction against a running server; (f) makes TestEventPattern evaluate the pattern; (g) refuses
DeleteEventBus of a bus that still has rules, as AWS does; (h) delivers partner events only through a bus created
from the current source; (i) to (o), in scripts/moto/delivery.py, make a rule's delivery honest: a target's resource
policy (SQS queue policy, SNS topic policy, Lambda function policy, CloudWatch Logs resource policies) decides
whether EventBridge may deliver, SNS and Lambda targets receive events at all (a Lambda target made PutEvents fail),
what a target refuses goes to its dead-letter queue, and Kinesis, Firehose and other-account bus targets need a RoleArn;
(p) to (s) deliver to those only through a role that exists, trusts EventBridge and allows the put (Kinesis records,
Firehose to S3, PutEvents onto the other bus); (t) to (w), in scripts/moto/replay.py, make StartReplay replay exactly
the archived events of its time window to all rules or to its FilterArns, in the background and cancellable, and give a
PENDING source its ExpirationTime; (x) to (z), in scripts/moto/delivery.py again, refuse a FIFO dead-letter queue at
PutTargets, make a FIFO queue without content-based deduplication refuse its events (to the dead-letter queue), and
keep a queue's policy when SetQueueAttributes changes another attribute; (aa) to (ad), in scripts/moto/iam.py and only
when INITIAL_NO_AUTH_ACTION_COUNT is set, make moto's IAM enforcement usable (refusals in each protocol's shape,
signatures of the bytes sent, scoped statements where moto knows no resource). Two more changes: the envelope SQS
receives gets its
`account` field back, and a parser cache makes event delivery about twice as fast.

Accounts: a request's account is the `x-moto-account-id` header, else the account of its access key (keys
from STS AssumeRole map to the role's account), else 123456789012.
"""

import functools
import json
import sys
import uuid


def patch() -> None:
    import jsonpath_ng.ext
    from moto.core.exceptions import JsonRESTError
    from moto.events import models as m
    from moto.events import responses as r
    from moto.events import utils as u
    from moto.events.exceptions import ResourceNotFoundException, ValidationException

    B, Source = m.EventsBackend, m.PartnerEventSource

    # (d) moto builds ".../event-source/aws.partner/" + name, repeating "aws.partner/" (names already start with it);
    # AWS: arn:aws:events:REGION::event-source/aws.partner/genesys.com/cloud/ORG/SUFFIX.
    # (e) moto reports a new source ACTIVE at once; AWS: PENDING until the customer creates a bus from it.
    source_init = Source.__init__

    def init(self, region, name):
        source_init(self, region, name)
        self.arn = self.arn.replace("event-source/aws.partner/", "event-source/", 1)
        self.state = "PENDING"

    Source.__init__ = init

    # (a) moto keeps only the text after the last "/" of EventBusName, so PutRule/PutTargets/ListRules... on
    # "aws.partner/genesys.com/cloud/ORG/SUFFIX" (or its ARN) look up a bus named "SUFFIX".
    # AWS takes the whole name, or the text after "event-bus/" of an ARN.
    B._normalize_event_bus_arn = lambda self, bus: "default" if bus is None else bus.split(":event-bus/", 1)[-1]

    # (c) moto answers DescribeEventSource / DescribePartnerEventSource of an unknown name with a KeyError (HTTP 500);
    # AWS: ResourceNotFoundException (400).
    def lookup(registry, name):
        if name not in registry:
            raise ResourceNotFoundException(f"Event source {name} does not exist.")
        return registry[name]

    B.describe_event_source = lambda self, name: lookup(self.event_sources, name)
    B.describe_partner_event_source = lambda self, name: lookup(self.partner_event_sources, name)

    # moto shares one source object between partner and customers, lists an account again on each create and
    # marks the source DELETED for everyone. AWS: one source per customer account (its own state; a second create
    # is ResourceAlreadyExistsException); DeletePartnerEventSource makes the customer's copy DELETED (no error
    # for an unknown name) and stops delivery to that account.
    def create_partner_event_source(self, name, account_id):
        registry = self.partner_event_sources.setdefault(name, Source(self.region_name, name))
        if account_id in registry.accounts:
            raise JsonRESTError("ResourceAlreadyExistsException", f"Event source {name} already exists.")
        registry.accounts.append(account_id)
        m.events_backends[account_id][self.region_name].event_sources[name] = Source(self.region_name, name)
        return registry

    def delete_partner_event_source(self, name, account_id):
        registry = self.partner_event_sources.get(name)
        if registry is None or account_id not in registry.accounts:
            return
        registry.accounts.remove(account_id)
        if not registry.accounts:
            del self.partner_event_sources[name]
        m.events_backends[account_id][self.region_name].event_sources[name].state = "DELETED"

    B.create_partner_event_source = create_partner_event_source
    B.delete_partner_event_source = delete_partner_event_source

    # (e) CreateEventBus(Name = EventSourceName = the source) associates it: PENDING -> ACTIVE (moto: no state change,
    # and it accepts a DELETED source or another Name); DeleteEventBus of that bus makes it PENDING again.
    create_event_bus, delete_event_bus = B.create_event_bus, B.delete_event_bus

    def create_bus(self, name, event_source_name=None, **kwargs):
        source = self.event_sources.get(event_source_name) if event_source_name else None
        if event_source_name and (source is None or source.state == "DELETED"):
            raise ResourceNotFoundException(f"Event source {event_source_name} does not exist.")
        if source is not None and name != event_source_name:
            raise ValidationException("The name of a partner event bus must be the name of its event source.")
        bus = create_event_bus(self, name, event_source_name, **kwargs)
        if source is not None:
            source.state = "ACTIVE"
        return bus

    # (g) moto deletes a bus together with its rules; AWS refuses while the bus has rules ("All rules associated with
    # this event bus need to be deleted", DeleteEventBus docs). The error code and message here are assumed.
    def delete_bus(self, name):
        bus = self.event_buses.get(name)
        if bus is not None and bus.rules:
            raise ValidationException(f"Cannot delete event bus {name}: it still has rules ({', '.join(sorted(bus.rules))}).")
        delete_event_bus(self, name)
        source = self.event_sources.get(name)
        if source is not None and source.state == "ACTIVE":
            source.state = "PENDING"

    B.create_event_bus, B.delete_event_bus = create_bus, delete_bus

    # (b) moto puts every partner event on the customer's *default* bus, whatever the source's state, and answers
    # with no Entries (a KeyError/500 for an unknown source). AWS delivers to the partner bus named like the
    # source, only once that bus exists (events of a PENDING source are dropped), and returns one entry per input.
    def put_partner_events(self, entries):
        results = []
        for entry in entries:
            source = self.partner_event_sources.get(entry.get("Source"))
            if source is None:  # assumed shape: AWS's exact answer for an unknown source is not documented
                results.append({"ErrorCode": "InvalidArgument", "ErrorMessage": "Event source does not exist."})
                continue
            result = {"EventId": str(uuid.uuid4())}
            for account_id in source.accounts:
                customer = m.events_backends[account_id][self.region_name]
                # (h) moto delivers to any bus of the source's name; AWS only while the customer's copy of the source
                # is ACTIVE, i.e. a bus was created from *this* source. When the partner deletes a source and creates
                # it again, the old bus of that name stays associated with the deleted source ("the status of the
                # corresponding partner event bus ... becomes DELETED", API_DeletePartnerEventSource) and the new
                # source is PENDING, whose events are accepted but not delivered (EventBridge partner onboarding FAQ:
                # "The event source will accept events ... but does not deliver them"; EventSource.State: PENDING
                # means "you haven't yet created a matching event bus, or that event bus is deactivated").
                copy = customer.event_sources.get(source.name)
                if source.name in customer.event_buses and copy is not None and copy.state == "ACTIVE":
                    result = customer.put_events([dict(entry, EventBusName=source.name)])[0]
            results.append(result)
        return results

    B.put_partner_events = put_partner_events

    def put_partner_events_response(self):
        results = self.events_backend.put_partner_events(self._get_param("Entries"))
        failed = sum(1 for e in results if "ErrorCode" in e)
        return json.dumps({"Entries": results, "FailedEntryCount": failed})

    r.EventsHandler.put_partner_events = put_partner_events_response

    # (f) moto's TestEventPattern answers an empty body (the SDKs then read Result as false); AWS evaluates the
    # pattern against the event. Use moto's own matcher, the one its rules use for delivery.
    def test_event_pattern_response(self):
        pattern = m.EventPattern.load(self._get_param("EventPattern"))
        event = json.loads(self._get_param("Event"))
        return json.dumps({"Result": bool(pattern.matches_event(event))})

    r.EventsHandler.test_event_pattern = test_event_pattern_response

    # moto's default target input (the event as SQS / CloudWatch Logs receive it) leaves out "account";
    # AWS's envelope has it (the account of the bus: the customer's for partner events).
    parser = u.EventTemplateParser
    parser.DEFAULT_EVENT_INPUT_TEMPLATE = parser.DEFAULT_EVENT_INPUT_TEMPLATE.replace(
        '"version": "0", ', '"version": "0", "account": "<account>", ', 1)
    assert '"<account>"' in parser.DEFAULT_EVENT_INPUT_TEMPLATE, "moto's event template changed"

    # Speed only: for each event and target moto builds 8 new jsonpath parsers (PLY tables), ~16 ms per delivered
    # event; parse each path once (EventTemplateParser.parse imports jsonpath_ng.ext.parse at call time).
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=512)(jsonpath_ng.ext.parse)

    # (i) to (s), (x) to (z): delivery to targets through their resource policies and roles, FIFO queues; see
    # scripts/moto/delivery.py.
    import delivery
    delivery.patch()

    # (t) to (w): archives and replays (the time window, FilterArns, in the background, cancellable) and a PENDING
    # source's ExpirationTime; see scripts/moto/replay.py.
    import replay
    replay.patch()

    # (aa) to (ad): IAM enforcement, only when INITIAL_NO_AUTH_ACTION_COUNT is set; see scripts/moto/iam.py.
    import iam
    iam.patch()


def main(argv: list[str]) -> None:
    if len(argv) != 1 or not argv[0].isdigit():
        sys.exit("usage: launcher.py PORT   (serves on 127.0.0.1:PORT)")
    import moto
    from moto.server import main as moto_main

    if moto.__version__ != "5.2.5":  # the patches reach into moto's internals: see requirements.txt
        sys.exit(f"launcher.py: patches are for moto 5.2.5, found {moto.__version__}; run scripts/moto-server")
    patch()
    print(f"gcbridge moto launcher: moto {moto.__version__} (partner-event path patched) on 127.0.0.1:{argv[0]}",
          flush=True)
    moto_main(["-H", "127.0.0.1", "-p", argv[0]])


if __name__ == "__main__":
    main(sys.argv[1:])
