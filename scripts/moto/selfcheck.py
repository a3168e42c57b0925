"""Proves, against a running scripts/moto-server, that moto behaves like AWS on gcbridge's partner-event path.

    .venv/bin/python scripts/moto/selfcheck.py PORT      (or set GCBRIDGE_TEST_MOTO_ENDPOINT and give no PORT)

Checks each correction of scripts/moto/launcher.py (a: bus names with "/", b: partner events reach the partner bus
only once it exists, c: ResourceNotFoundException for unknown sources, d: the source ARN, e: PENDING / ACTIVE /
DELETED, f: TestEventPattern evaluates the pattern, g: DeleteEventBus refused while rules remain, h: a re-created source behind an old bus; i to n, in
scripts/moto/selfcheck_delivery.py: delivery to SQS, SNS, Lambda and CloudWatch Logs targets only through their
resource policies, the dead-letter queue, o: Kinesis and Firehose targets need a RoleArn; o for buses and p to s, in
scripts/moto/selfcheck_roles.py: Kinesis, Firehose and other-account bus targets only through a working role; t to w, in
scripts/moto/selfcheck_replay.py: StartReplay's time window and FilterArns, a replay running in the background and
cancelled, UpdateArchive to 0 days, a PENDING source's ExpirationTime) along the path gcbridge uses end to end: the partner account creates a source for customer account
123456789012 in us-east-1, the customer creates the bus from it, puts a rule and an SQS target on it, the partner
puts a batch of events and they arrive in SQS inside the EventBridge envelope. Then it times how many
PutPartnerEvents entries per second reach SQS (GCBRIDGE_MOTO_SELFCHECK_EVENTS of them, default 200, with a consumer
draining the queue meanwhile) and prints it. Uses fresh names on each run, so it can run against a busy server.
Prints one line per check; exits 1 with the reason at the first failure.
"""

import json
import os
import sys
import threading
import time
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

REGION, CUSTOMER, PARTNER = "us-east-1", "123456789012", "210987654321"
TEMPLATE = "v2.detail.events.conversation.{id}.customer.start"


class CheckFailed(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise CheckFailed(what)


def client(endpoint, service, account=None, **creds):
    c = boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                     aws_access_key_id=creds.get("key", "testing"),
                     aws_secret_access_key=creds.get("secret", "testing"),
                     aws_session_token=creds.get("token"),
                     config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30))
    if account:  # moto's server mode picks the account from this header
        c.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.__setitem__(
            "x-moto-account-id", account))
    return c


def error_of(call, **kwargs):
    """(code, HTTP status) of a call expected to fail."""
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise CheckFailed(f"{call.__name__}({kwargs}) succeeded; expected an error")


def drain(sqs, url, want, timeout=10.0):
    """Receives (and deletes) messages until `want` arrived or `timeout` passed; returns their bodies."""
    bodies, deadline = [], time.monotonic() + timeout
    while len(bodies) < want and time.monotonic() < deadline:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if msgs:
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])
        else:
            time.sleep(0.05)
        bodies += [json.loads(m["Body"]) for m in msgs]
    return bodies


def new_queue(sqs, name, policy=None):
    """(url, arn) of a new queue, with `policy` (a dict) as its queue policy when given."""
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    if policy is not None:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return url, arn


def statement(action, resource, **extra):
    return dict({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": action,
                 "Resource": resource}, **extra)


def open_queue(sqs, name):
    """A queue whose policy lets EventBridge send to it from any rule (j: without it nothing arrives)."""
    url, arn = new_queue(sqs, name)
    policy = {"Version": "2012-10-17", "Statement": [statement("sqs:SendMessage", arn)]}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return url, arn


def entries(source, n, detail_type=TEMPLATE):
    out = []
    for _ in range(n):
        conv = str(uuid.uuid4())
        detail = {"topicName": detail_type.replace("{id}", conv), "version": "2",
                  "eventBody": {"conversationId": conv, "mediaType": "CHAT"},
                  "metadata": {"CorrelationId": str(uuid.uuid4())}, "timestamp": "2024-01-01T00:00:00.000Z"}
        out.append({"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail)})
    return out


def put_partner(partner_events, batch):
    resp = partner_events.put_partner_events(Entries=batch)
    expect(resp["FailedEntryCount"] == 0, f"PutPartnerEvents failed entries: {resp}")
    expect(len(resp["Entries"]) == len(batch) and all("EventId" in e for e in resp["Entries"]),
           f"PutPartnerEvents should return one EventId per entry: {resp['Entries']}")
    return [e["EventId"] for e in resp["Entries"]]


def route(ev, bus, rule, target):
    """A rule of the custom `bus` (created on first use) sending every event of source gcbridge.selfcheck to the one
    `target` (its Id is "t"): the delivery and role checks each route one target this way."""
    if not ev.list_event_buses(NamePrefix=bus)["EventBuses"]:
        ev.create_event_bus(Name=bus)
    ev.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps({"source": ["gcbridge.selfcheck"]}))
    ev.put_targets(Rule=rule, EventBusName=bus, Targets=[dict({"Id": "t"}, **target)])


def put_marker(ev, bus, marker):
    """One event of source gcbridge.selfcheck on `bus`, its detail carrying `marker` (to find it where it arrives)."""
    resp = ev.put_events(Entries=[{"Source": "gcbridge.selfcheck", "DetailType": "check", "EventBusName": bus,
                                   "Detail": json.dumps({"marker": marker})}])
    expect(resp["FailedEntryCount"] == 0, f"PutEvents failed: {resp}")


def run(endpoint):
    p_ev = client(endpoint, "events", PARTNER)
    c_ev, c_sqs = client(endpoint, "events", CUSTOMER), client(endpoint, "sqs", CUSTOMER)
    run_id = uuid.uuid4().hex[:8]
    org = str(uuid.uuid4())
    suffix = f"selfcheck-{run_id}"
    name = f"aws.partner/genesys.com/cloud/{org}/{suffix}"
    bus_arn = f"arn:aws:events:{REGION}:{CUSTOMER}:event-bus/{name}"
    steps = []

    def step(title):
        def wrap(fn):
            steps.append((title, fn))
            return fn
        return wrap

    def queue(label):
        return open_queue(c_sqs, f"gcb-{label}-{run_id}")

    state = {}

    @step("c: DescribeEventSource / DescribePartnerEventSource of an unknown name -> ResourceNotFoundException 400")
    def _():
        unknown = f"aws.partner/genesys.com/cloud/{uuid.uuid4()}/none"
        for call in (c_ev.describe_event_source, p_ev.describe_partner_event_source):
            got = error_of(call, Name=unknown)
            expect(got == ("ResourceNotFoundException", 400), f"{call.__name__}: got {got}")

    @step("d: CreatePartnerEventSource (partner account, for the customer) -> arn:aws:events:REGION::event-source/NAME")
    def _():
        want = f"arn:aws:events:{REGION}::event-source/{name}"
        arn = p_ev.create_partner_event_source(Name=name, Account=CUSTOMER)["EventSourceArn"]
        expect(arn == want, f"EventSourceArn {arn}, want {want}")
        got = p_ev.describe_partner_event_source(Name=name)
        expect(got["Arn"] == want and got["Name"] == name, f"DescribePartnerEventSource: {got}")
        expect(error_of(p_ev.create_partner_event_source, Name=name, Account=CUSTOMER)[0]
               == "ResourceAlreadyExistsException", "a second create of the same source should be refused")

    @step("e: the customer sees the new source PENDING (and the partner account does not see it as its own)")
    def _():
        got = c_ev.describe_event_source(Name=name)
        expect(got["State"] == "PENDING", f"State {got['State']}, want PENDING")
        expect(got["Arn"] == f"arn:aws:events:{REGION}::event-source/{name}", f"Arn {got['Arn']}")
        expect(error_of(p_ev.describe_event_source, Name=name)[0] == "ResourceNotFoundException",
               "the partner account should not have the source as a customer")

    @step("b: PutPartnerEvents while PENDING is accepted and dropped (moto put it on the default bus)")
    def _():
        state["default_q"] = queue("default")
        c_ev.put_rule(Name=f"catch-{run_id}", EventPattern=json.dumps({"source": [name]}))
        c_ev.put_targets(Rule=f"catch-{run_id}", Targets=[{"Id": "q", "Arn": state["default_q"][1]}])
        put_partner(p_ev, entries(name, 3))
        got = drain(c_sqs, state["default_q"][0], 1, timeout=1.0)
        expect(not got, f"events of a PENDING source reached the default bus: {got[:1]}")

    @step("e: CreateEventBus(Name = EventSourceName = the source) -> the source is ACTIVE")
    def _():
        expect(error_of(c_ev.create_event_bus, Name=suffix, EventSourceName=name)[0] == "ValidationException",
               "a partner bus named otherwise than its source should be refused")
        arn = c_ev.create_event_bus(Name=name, EventSourceName=name)["EventBusArn"]
        expect(arn == bus_arn, f"EventBusArn {arn}, want {bus_arn}")
        got = c_ev.describe_event_source(Name=name)["State"]
        expect(got == "ACTIVE", f"State {got}, want ACTIVE")

    @step("a: PutRule / PutTargets / ListRules / ListTargetsByRule on the partner bus by name and by ARN")
    def _():
        c_ev.create_event_bus(Name=suffix)  # the bus moto used to hit instead
        state["q"] = queue("partner")
        rule = f"genesys-{run_id}"
        pattern = {"detail-type": [{"prefix": "v2.detail.events.conversation."}]}
        arn = c_ev.put_rule(Name=rule, EventBusName=name, EventPattern=json.dumps(pattern))["RuleArn"]
        want = f"arn:aws:events:{REGION}:{CUSTOMER}:rule/{name}/{rule}"
        expect(arn == want, f"RuleArn {arn}, want {want}")
        c_ev.put_targets(Rule=rule, EventBusName=bus_arn, Targets=[{"Id": "sqs", "Arn": state["q"][1]}])
        for bus in (name, bus_arn):
            rules = [x["Name"] for x in c_ev.list_rules(EventBusName=bus)["Rules"]]
            expect(rules == [rule], f"ListRules({bus}) = {rules}, want [{rule}]")
            targets = c_ev.list_targets_by_rule(Rule=rule, EventBusName=bus)["Targets"]
            expect([t["Arn"] for t in targets] == [state["q"][1]], f"ListTargetsByRule({bus}) = {targets}")
        got = c_ev.describe_rule(Name=rule, EventBusName=name)
        expect(got["EventBusName"] == name, f"DescribeRule EventBusName {got['EventBusName']}")
        stray = c_ev.list_rules(EventBusName=suffix)["Rules"]
        expect(not stray, f"the rule landed on the bus named {suffix!r}: {stray}")

    @step("b: a batch of 10 partner events reaches SQS via the partner bus, in the EventBridge envelope")
    def _():
        batch = entries(name, 10)
        ids = put_partner(p_ev, batch)
        got = drain(c_sqs, state["q"][0], 10)
        expect(len(got) == 10, f"{len(got)} of 10 events reached the SQS queue")
        want_details = sorted(json.loads(e["Detail"])["topicName"] for e in batch)
        expect(sorted(m.get("detail", {}).get("topicName") for m in got) == want_details, "details differ")
        for m in got:
            missing = {"version", "id", "detail-type", "source", "account", "time", "region", "detail"} - m.keys()
            expect(not missing, f"envelope lacks {sorted(missing)}: {m}")
            expect(m["source"] == name and m["detail-type"] == TEMPLATE, f"source/detail-type: {m}")
            expect(m["account"] == CUSTOMER and m["region"] == REGION, f"account/region: {m}")
            expect(m["id"] in ids and m["version"] == "0", f"id/version: {m}")
            expect(isinstance(m["detail"], dict) and time.strptime(m["time"], "%Y-%m-%dT%H:%M:%SZ"), f"{m}")
        expect(not drain(c_sqs, state["default_q"][0], 1, timeout=0.5), "events also reached the default bus")

    @step("b: an event whose detail-type does not match the rule's prefix does not arrive")
    def _():
        put_partner(p_ev, entries(name, 1, detail_type="v2.users.{id}.presence"))
        got = drain(c_sqs, state["q"][0], 1, timeout=1.0)
        expect(not got, f"an unmatched event arrived: {got}")

    @step("g: DeleteEventBus of a bus with rules is refused (ValidationException); the rules stay")
    def _():
        rule = f"genesys-{run_id}"
        expect(error_of(c_ev.delete_event_bus, Name=name)[0] == "ValidationException",
               "DeleteEventBus of a bus with rules should be refused")
        expect([x["Name"] for x in c_ev.list_rules(EventBusName=name)["Rules"]] == [rule], "the rule should stay")
        c_ev.remove_targets(Rule=rule, EventBusName=name, Ids=["sqs"])
        c_ev.delete_rule(Name=rule, EventBusName=name)

    @step("e: DeleteEventBus -> PENDING again (PutPartnerEvents still accepted); a new bus -> ACTIVE")
    def _():
        c_ev.delete_event_bus(Name=name)
        got = c_ev.describe_event_source(Name=name)["State"]
        expect(got == "PENDING", f"State after DeleteEventBus {got}, want PENDING")
        put_partner(p_ev, entries(name, 2))
        c_ev.create_event_bus(Name=name, EventSourceName=name)
        expect(c_ev.describe_event_source(Name=name)["State"] == "ACTIVE", "not ACTIVE after a new bus")
        expect(not c_ev.list_rules(EventBusName=name)["Rules"], "the new bus should start without rules")

    @step("e: DeletePartnerEventSource -> the customer sees DELETED, the partner no longer has it")
    def _():
        p_ev.delete_partner_event_source(Name=name, Account=CUSTOMER)
        got = c_ev.describe_event_source(Name=name)["State"]
        expect(got == "DELETED", f"State {got}, want DELETED")
        expect(error_of(p_ev.describe_partner_event_source, Name=name)[0] == "ResourceNotFoundException",
               "DescribePartnerEventSource after delete should be ResourceNotFoundException")
        p_ev.delete_partner_event_source(Name=name, Account=CUSTOMER)  # AWS: no error the second time

    @step("h: a re-created source stays PENDING behind the old bus, its events are dropped; re-creating the bus delivers")
    def _():
        p_ev.create_partner_event_source(Name=name, Account=CUSTOMER)  # the integration enabled again
        got = c_ev.describe_event_source(Name=name)["State"]
        expect(got == "PENDING", f"State of the re-created source {got}, want PENDING")
        c_ev.describe_event_bus(Name=name)  # the bus of the deleted source is still there
        expect(error_of(c_ev.create_event_bus, Name=name, EventSourceName=name)[0] == "ResourceAlreadyExistsException",
               "CreateEventBus of the existing name should be refused")
        rule = f"again-{run_id}"
        c_ev.put_rule(Name=rule, EventBusName=name, EventPattern=json.dumps({"source": [name]}))
        c_ev.put_targets(Rule=rule, EventBusName=name, Targets=[{"Id": "sqs", "Arn": state["q"][1]}])
        put_partner(p_ev, entries(name, 2))
        got = drain(c_sqs, state["q"][0], 1, timeout=1.0)
        expect(not got, f"events of the PENDING re-created source reached the old bus: {got[:1]}")
        c_ev.remove_targets(Rule=rule, EventBusName=name, Ids=["sqs"])
        c_ev.delete_rule(Name=rule, EventBusName=name)
        c_ev.delete_event_bus(Name=name)
        c_ev.create_event_bus(Name=name, EventSourceName=name)
        expect(c_ev.describe_event_source(Name=name)["State"] == "ACTIVE", "not ACTIVE after re-creating the bus")
        c_ev.put_rule(Name=rule, EventBusName=name, EventPattern=json.dumps({"source": [name]}))
        c_ev.put_targets(Rule=rule, EventBusName=name, Targets=[{"Id": "sqs", "Arn": state["q"][1]}])
        put_partner(p_ev, entries(name, 2))
        expect(len(drain(c_sqs, state["q"][0], 2)) == 2, "events did not arrive through the re-created bus")
        p_ev.delete_partner_event_source(Name=name, Account=CUSTOMER)

    @step("f: TestEventPattern evaluates the pattern: true when it matches the event, false when it does not")
    def _():
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "v2.users.{id}.presence",
                 "source": name, "account": CUSTOMER, "time": "2026-01-01T00:00:00Z", "region": REGION,
                 "resources": [], "detail": {"topicName": f"v2.users.{uuid.uuid4()}.presence", "version": "2"}}
        cases = [
            ({"detail-type": ["v2.users.{id}.presence"]}, True),
            ({"detail-type": ["v2.users.{id}.activity"]}, False),
            ({"detail-type": [{"prefix": "v2.users."}]}, True),
            ({"source": [{"prefix": "aws.partner/genesys.com/cloud/"}]}, True),
            ({"source": ["aws.partner/genesys.com/cloud/other/x"]}, False),
            ({"detail": {"version": ["2"]}}, True),
            ({"detail": {"version": ["1"]}}, False),
        ]
        for pattern, want in cases:
            got = c_ev.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(event))["Result"]
            expect(got is want, f"TestEventPattern({pattern}) = {got}, want {want}")

    @step("accounts: STS AssumeRole credentials of the partner account act as that account (no header)")
    def _():
        sts = client(endpoint, "sts", CUSTOMER)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{PARTNER}:role/genesys", RoleSessionName="genesys")["Credentials"]
        partner = client(endpoint, "events", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
                         token=creds["SessionToken"])
        other = f"aws.partner/genesys.com/cloud/{org}/sts-{run_id}"
        partner.create_partner_event_source(Name=other, Account=CUSTOMER)
        expect(p_ev.describe_partner_event_source(Name=other)["Name"] == other, "not created in the partner account")
        expect(c_ev.describe_event_source(Name=other)["State"] == "PENDING", "customer does not see it PENDING")

    from selfcheck_delivery import delivery_steps
    delivery_steps(step, endpoint, run_id, sys.modules[__name__])
    from selfcheck_roles import role_steps
    role_steps(step, endpoint, run_id, sys.modules[__name__])
    from selfcheck_replay import replay_steps
    replay_steps(step, endpoint, run_id, sys.modules[__name__])

    for title, fn in steps:
        try:
            fn()
        except (CheckFailed, ClientError, KeyError) as e:
            print(f"FAIL  {title}\n      {type(e).__name__}: {e}", flush=True)
            sys.exit(1)
        print(f"ok    {title}", flush=True)
    throughput(endpoint, p_ev, c_ev, c_sqs, org, run_id)


def throughput(endpoint, p_ev, c_ev, c_sqs, org, run_id):
    total = int(os.environ.get("GCBRIDGE_MOTO_SELFCHECK_EVENTS", "200")) // 10 * 10 or 10
    name = f"aws.partner/genesys.com/cloud/{org}/rate-{run_id}"
    p_ev.create_partner_event_source(Name=name, Account=CUSTOMER)
    c_ev.create_event_bus(Name=name, EventSourceName=name)
    url, arn = open_queue(c_sqs, f"gcb-rate-{run_id}")
    c_ev.put_rule(Name="all", EventBusName=name, EventPattern=json.dumps({"source": [name]}))
    c_ev.put_targets(Rule="all", EventBusName=name, Targets=[{"Id": "q", "Arn": arn}])
    batches = [entries(name, 10) for _ in range(total // 10)]
    # Drain while putting, as a consumer would: moto's ReceiveMessage costs O(queue length).
    received = []
    consumer = threading.Thread(target=lambda: received.append(len(drain(client(endpoint, "sqs", CUSTOMER), url,
                                                                           total, timeout=120))))
    start = time.monotonic()
    consumer.start()
    for batch in batches:
        put_partner(p_ev, batch)
    put_done = time.monotonic()
    consumer.join()
    end = time.monotonic()
    got = received[0] if received else 0
    expect(got == total, f"throughput run: {got} of {total} events reached SQS")
    print(f"rate  {total} PutPartnerEvents entries (batches of 10) reached SQS in {end - start:.2f} s: "
          f"{total / (end - start):.0f} entries/s end to end ({total / (put_done - start):.0f} entries/s accepted)")


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1].isdigit():
        endpoint = f"http://127.0.0.1:{sys.argv[1]}"
    elif len(sys.argv) == 1 and os.environ.get("GCBRIDGE_TEST_MOTO_ENDPOINT"):
        endpoint = os.environ["GCBRIDGE_TEST_MOTO_ENDPOINT"]
    else:
        sys.exit("usage: selfcheck.py PORT   (or GCBRIDGE_TEST_MOTO_ENDPOINT=http://127.0.0.1:PORT selfcheck.py)")
    try:
        run(endpoint)
    except CheckFailed as e:
        print(f"FAIL  {e}")
        sys.exit(1)
    except Exception as e:  # e.g. the server is not there
        print(f"FAIL  selfcheck against {endpoint}: {type(e).__name__}: {e}")
        sys.exit(1)
    print("moto selfcheck: all checks passed")
