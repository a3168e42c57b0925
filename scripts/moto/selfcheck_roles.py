"""scripts/moto/selfcheck.py's checks of corrections (o) for buses and (p) to (s) (scripts/moto/delivery.py): Kinesis,
Firehose and event-bus-in-another-account targets are reached only through a RoleArn that exists, trusts
events.amazonaws.com for the rule and allows the put. Each check puts an event while the role is missing or wrong and
sees nothing arrive (or the dead-letter queue receive it), then fixes the role and sees the event arrive: without its
patch moto delivered nothing at all (Kinesis, Firehose) or delivered without looking at any role (a bus elsewhere).
"""

import json

REGION, ACCOUNT, OTHER = "us-east-1", "123456789012", "210987654321"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]}


def role_steps(step, endpoint, run_id, h):
    """Registers the checks with `step` (selfcheck.run's decorator); `h` is the selfcheck module (its helpers)."""
    ev, iam, sqs = (h.client(endpoint, s, ACCOUNT) for s in ("events", "iam", "sqs"))
    kinesis, firehose, s3 = (h.client(endpoint, s, ACCOUNT) for s in ("kinesis", "firehose", "s3"))
    bus = f"roles-{run_id}"

    def route(rule, target):
        h.route(ev, bus, rule, target)

    def put(marker):
        h.put_marker(ev, bus, marker)

    def role(name, trust, actions=None, resource="*"):
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        if actions:
            allow(name, actions, resource)
        return arn

    def allow(name, actions, resource):
        iam.put_role_policy(RoleName=name, PolicyName="put", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]}))

    def stream_markers(name):
        shard = kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"][0]["ShardId"]
        it = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        records = kinesis.get_records(ShardIterator=it["ShardIterator"])["Records"]
        return [json.loads(r["Data"])["detail"]["marker"] for r in records]

    @step("o: PutTargets of a bus in another account without a RoleArn is a ValidationException; same account is not")
    def _():
        if not ev.list_event_buses(NamePrefix=bus)["EventBuses"]:
            ev.create_event_bus(Name=bus)
        ev.put_rule(Name="to-bus", EventBusName=bus, EventPattern=json.dumps({"source": ["gcbridge.selfcheck"]}))
        remote = f"arn:aws:events:{REGION}:{OTHER}:event-bus/central-{run_id}"
        got = h.error_of(ev.put_targets, Rule="to-bus", EventBusName=bus, Targets=[{"Id": "t", "Arn": remote}])
        h.expect(got == ("ValidationException", 400), f"PutTargets {remote} without RoleArn: {got}")
        local = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{bus}"
        ev.put_targets(Rule="to-bus", EventBusName=bus, Targets=[{"Id": "t", "Arn": local}])
        ev.remove_targets(Rule="to-bus", EventBusName=bus, Ids=["t"])
        ev.delete_rule(Name="to-bus", EventBusName=bus)

    @step("p, q: a Kinesis target gets a record only through a role that exists, trusts EventBridge and allows the put")
    def _():
        name = f"gcb-stream-{run_id}"
        kinesis.create_stream(StreamName=name, ShardCount=1)
        stream = kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]
        dlq_url, dlq = h.open_queue(sqs, f"gcb-role-dlq-{run_id}")
        missing = f"arn:aws:iam::{ACCOUNT}:role/gcb-missing-{run_id}"
        route("to-kinesis", {"Arn": stream, "RoleArn": missing, "DeadLetterConfig": {"Arn": dlq}})
        put("no-role")
        lambda_trust = dict(TRUST, Statement=[dict(TRUST["Statement"][0], Principal={"Service": "lambda.amazonaws.com"})])
        for marker, trust, actions in (("wrong-trust", lambda_trust, ["kinesis:PutRecord"]),
                                       ("no-put", TRUST, ["kinesis:DescribeStream"])):
            arn = role(f"gcb-{marker}-{run_id}", trust, actions, stream)
            route("to-kinesis", {"Arn": stream, "RoleArn": arn, "DeadLetterConfig": {"Arn": dlq}})
            put(marker)
        h.expect(stream_markers(name) == [], f"records arrived without a working role: {stream_markers(name)}")
        got = [b.get("detail", {}).get("marker") for b in h.drain(sqs, dlq_url, 3)]
        h.expect(got == ["no-role", "wrong-trust", "no-put"], f"want the refused events in the dead-letter queue: {got}")
        arn = role(f"gcb-kinesis-{run_id}", TRUST, ["kinesis:PutRecord", "kinesis:PutRecords"], stream)
        route("to-kinesis", {"Arn": stream, "RoleArn": arn})
        put("allowed")
        h.expect(stream_markers(name) == ["allowed"], f"want only the allowed record: {stream_markers(name)}")

    @step("p, r: a Firehose target writes to its S3 bucket only through a role that allows firehose:PutRecord")
    def _():
        bucket, name = f"gcb-firehose-{run_id}", f"gcb-firehose-{run_id}"
        s3.create_bucket(Bucket=bucket)
        delivery_role = role(f"gcb-fh-s3-{run_id}", TRUST)
        stream = firehose.create_delivery_stream(DeliveryStreamName=name, S3DestinationConfiguration={
            "RoleARN": delivery_role, "BucketARN": f"arn:aws:s3:::{bucket}"})["DeliveryStreamARN"]
        arn = role(f"gcb-fh-{run_id}", TRUST, ["firehose:DescribeDeliveryStream"], stream)
        route("to-firehose", {"Arn": stream, "RoleArn": arn})
        put("no-put")
        h.expect(not s3.list_objects_v2(Bucket=bucket).get("Contents"), "an object arrived without firehose:PutRecord")
        allow(f"gcb-fh-{run_id}", ["firehose:PutRecord", "firehose:PutRecordBatch"], stream)
        put("allowed")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        h.expect(len(keys) == 1, f"want one object in the bucket: {keys}")
        body = json.loads(s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read())
        h.expect(body["detail"]["marker"] == "allowed", f"the object: {body}")

    @step("p, s: a bus in another account gets the event only through the role and the receiving bus's policy")
    def _():
        remote_ev, remote_sqs = h.client(endpoint, "events", OTHER), h.client(endpoint, "sqs", OTHER)
        central = f"central-{run_id}"
        central_arn = remote_ev.create_event_bus(Name=central)["EventBusArn"]
        url, queue = h.open_queue(remote_sqs, f"gcb-central-{run_id}")
        remote_ev.put_rule(Name="all", EventBusName=central, EventPattern=json.dumps({"source": ["gcbridge.selfcheck"]}))
        remote_ev.put_targets(Rule="all", EventBusName=central, Targets=[{"Id": "q", "Arn": queue}])
        arn = role(f"gcb-bus-{run_id}", TRUST, ["events:PutEvents"], central_arn)
        route("to-bus", {"Arn": central_arn, "RoleArn": arn})
        put("no-bus-policy")
        h.expect(not h.drain(remote_sqs, url, 1, timeout=1.0), "the other account's bus took events it does not allow")
        remote_ev.put_permission(EventBusName=central, Action="events:PutEvents", Principal=ACCOUNT, StatementId="a")
        iam.delete_role_policy(RoleName=f"gcb-bus-{run_id}", PolicyName="put")
        put("no-role-policy")
        h.expect(not h.drain(remote_sqs, url, 1, timeout=1.0), "delivered without the role allowing events:PutEvents")
        allow(f"gcb-bus-{run_id}", ["events:PutEvents"], central_arn)
        put("allowed")
        got = [b.get("detail", {}).get("marker") for b in h.drain(remote_sqs, url, 1)]
        h.expect(got == ["allowed"], f"want only the allowed event in the other account: {got}")

