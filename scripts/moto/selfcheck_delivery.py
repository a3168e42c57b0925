"""scripts/moto/selfcheck.py's checks of corrections (i) to (o) and (x) to (z) (scripts/moto/delivery.py): a rule on a custom bus
delivers to SQS, SNS, Lambda and CloudWatch Logs targets only when the target's resource policy lets EventBridge in
for that rule, and what a target refuses goes to the dead-letter queue. Each check puts an event while the policy is
missing (or wrong) and sees nothing arrive, then sets the policy and sees the event arrive: without its patch the
first half fails (moto delivered anyway) or PutEvents fails (SNS, Lambda: no delivery in moto at all). FIFO queues:
PutTargets without a MessageGroupId and with a FIFO dead-letter queue are refused, and a delivery carries the group id
or, without content-based deduplication, lands in the dead-letter queue (without (y) it vanished).
"""

import io
import json
import time
import zipfile

REGION, ACCOUNT = "us-east-1", "123456789012"


def delivery_steps(step, endpoint, run_id, h):
    """Registers the checks with `step` (selfcheck.run's decorator); `h` is the selfcheck module (its helpers)."""
    ev, sqs = h.client(endpoint, "events", ACCOUNT), h.client(endpoint, "sqs", ACCOUNT)
    sns, logs = h.client(endpoint, "sns", ACCOUNT), h.client(endpoint, "logs", ACCOUNT)
    lam, iam = h.client(endpoint, "lambda", ACCOUNT), h.client(endpoint, "iam", ACCOUNT)
    bus = f"targets-{run_id}"
    rule_arn = lambda rule: f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{bus}/{rule}"

    def route(rule, target):
        h.route(ev, bus, rule, target)

    def put(marker):
        h.put_marker(ev, bus, marker)

    def unroute(rule):
        ev.remove_targets(Rule=rule, EventBusName=bus, Ids=["t"])
        ev.delete_rule(Name=rule, EventBusName=bus)

    def markers(bodies):
        return [b.get("detail", {}).get("marker") for b in bodies]

    def put_and_receive(marker, url, where):
        """Puts the event `marker` and expects it, and only it, in the queue at `url` (`where` names the place in a
        failure); returns the bodies received. How the SQS, SNS and dead-letter checks end once delivery is allowed."""
        put(marker)
        got = h.drain(sqs, url, 1)
        h.expect(markers(got) == [marker], f"want only the {marker} event {where}, got {got}")
        return got

    @step("j: an SQS target receives only what its queue policy allows for the rule (none, Deny, another rule: no)")
    def _():
        url, arn = h.new_queue(sqs, f"gcb-enforce-{run_id}")
        route("to-sqs", {"Arn": arn})
        put("no-policy")
        cases = [("deny", [h.statement("sqs:SendMessage", arn),
                           dict(h.statement("sqs:*", "*"), Effect="Deny")]),
                 ("other-rule", [h.statement("sqs:SendMessage", arn,
                                             Condition={"ArnEquals": {"aws:SourceArn": rule_arn("other")}})])]
        for marker, statements in cases:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Statement": statements})})
            put(marker)
        got = h.drain(sqs, url, 1, timeout=1.0)
        h.expect(not got, f"events the queue policy does not allow arrived: {markers(got)}")
        anyone = dict(h.statement("sqs:SendMessage", arn, Condition={"ArnEquals": {"aws:SourceArn": rule_arn("to-sqs")}}),
                      Principal="*")
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Statement": [anyone]})})
        put_and_receive("allowed", url, "in the queue")
        unroute("to-sqs")

    @step("k: an SNS target gets the event (its SQS subscriber receives it) once the topic policy allows the rule")
    def _():
        topic = sns.create_topic(Name=f"gcb-topic-{run_id}")["TopicArn"]
        url, arn = h.new_queue(sqs, f"gcb-sub-{run_id}")
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        route("to-sns", {"Arn": topic})
        put("default-policy")  # the default topic policy is scoped by AWS:SourceOwner: not EventBridge
        h.expect(not h.drain(sqs, url, 1, timeout=1.0), "the default topic policy let EventBridge publish")
        policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
        policy["Statement"].append(h.statement("sns:Publish", topic, Sid="events",
                                               Condition={"ArnEquals": {"aws:SourceArn": rule_arn("to-sns")}}))
        sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(policy))
        got = put_and_receive("allowed", url, "through SNS")
        h.expect(got[0].get("account") == ACCOUNT and got[0].get("detail-type") == "check", f"envelope: {got[0]}")
        unroute("to-sns")

    @step("l: a Lambda target no longer fails PutEvents; the invocation is logged in /aws/lambda/NAME once allowed")
    def _():
        role = iam.create_role(RoleName=f"gcb-fn-{run_id}", AssumeRolePolicyDocument=json.dumps({
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("index.py", "def handler(event, context):\n    return event\n")
        name = f"gcb-fn-{run_id}"
        fn = lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
                                 Code={"ZipFile": code.getvalue()})["FunctionArn"]
        route("to-lambda", {"Arn": fn})
        put("no-permission")
        lam.add_permission(FunctionName=name, StatementId="other", Action="lambda:InvokeFunction",
                           Principal="events.amazonaws.com", SourceArn=rule_arn("other"))
        put("other-rule")
        lam.add_permission(FunctionName=name, StatementId="events", Action="lambda:InvokeFunction",
                           Principal="events.amazonaws.com", SourceArn=rule_arn("to-lambda"))
        put("allowed")
        got = log_messages(logs, f"/aws/lambda/{name}", 1)
        h.expect(markers(got) == ["allowed"], f"want only the allowed invocation in /aws/lambda/{name}, got {got}")
        unroute("to-lambda")

    @step("m: a CloudWatch Logs target gets events only once a resource policy lets EventBridge write its streams")
    def _():
        group = f"/aws/events/gcb-{run_id}"
        logs.create_log_group(logGroupName=group)
        group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"
        route("to-logs", {"Arn": group_arn})
        put("no-policy")
        half = h.statement("logs:CreateLogStream", f"{group_arn}:*")  # PutLogEvents missing
        logs.put_resource_policy(policyName=f"gcb-half-{run_id}", policyDocument=json.dumps({"Statement": [half]}))
        put("half")
        h.expect(not log_messages(logs, group, 1, timeout=1.0), "events arrived without a complete resource policy")
        full = dict(h.statement(["logs:CreateLogStream", "logs:PutLogEvents"], f"{group_arn}:*"),
                    Principal={"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]})
        logs.put_resource_policy(policyName=f"gcb-full-{run_id}", policyDocument=json.dumps({"Statement": [full]}))
        put("allowed")
        got = log_messages(logs, group, 1)
        h.expect(markers(got) == ["allowed"], f"want only the allowed event in {group}, got {markers(got)}")
        stamps = [e["timestamp"] for e in logs.filter_log_events(logGroupName=group)["events"]]
        h.expect(all(isinstance(t, int) for t in stamps), f"log event timestamps are not whole milliseconds: {stamps}")
        for p in ("half", "full"):
            logs.delete_resource_policy(policyName=f"gcb-{p}-{run_id}")
        unroute("to-logs")

    @step("n: an event a target refuses goes to the rule target's dead-letter queue (when that queue allows it)")
    def _():
        url, arn = h.open_queue(sqs, f"gcb-dlq-{run_id}")
        topic = sns.create_topic(Name=f"gcb-refuses-{run_id}")["TopicArn"]  # default policy: refuses EventBridge
        route("to-dlq", {"Arn": topic, "DeadLetterConfig": {"Arn": arn}})
        put_and_receive("refused", url, "in the dead-letter queue")
        unroute("to-dlq")

    @step("o: PutTargets of a Kinesis or Firehose target without a RoleArn is a ValidationException")
    def _():
        if not ev.list_event_buses(NamePrefix=bus)["EventBuses"]:
            ev.create_event_bus(Name=bus)
        ev.put_rule(Name="to-stream", EventBusName=bus, EventPattern=json.dumps({"source": ["gcbridge.selfcheck"]}))
        for arn in (f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s-{run_id}",
                    f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/f-{run_id}"):
            got = h.error_of(ev.put_targets, Rule="to-stream", EventBusName=bus, Targets=[{"Id": "t", "Arn": arn}])
            h.expect(got == ("ValidationException", 400), f"PutTargets {arn} without RoleArn: {got}")
        h.expect(not ev.list_targets_by_rule(Rule="to-stream", EventBusName=bus)["Targets"], "a target was stored")
        ev.delete_rule(Name="to-stream", EventBusName=bus)

    @step("x: PutTargets of a FIFO queue without SqsParameters, or with a FIFO dead-letter queue, is refused")
    def _():
        fifo = f"arn:aws:sqs:{REGION}:{ACCOUNT}:gcb-x-{run_id}.fifo"
        if not ev.list_event_buses(NamePrefix=bus)["EventBuses"]:
            ev.create_event_bus(Name=bus)
        ev.put_rule(Name="to-fifo", EventBusName=bus, EventPattern=json.dumps({"source": ["gcbridge.selfcheck"]}))
        for extra in ({}, {"SqsParameters": {}}):
            got = error_message(ev.put_targets, Rule="to-fifo", EventBusName=bus,
                                Targets=[dict({"Id": "t", "Arn": fifo}, **extra)])
            want = ("ValidationException", "Parameter(s) SqsParameters must be specified for target: t.")
            h.expect(got == want, f"PutTargets of a FIFO queue with {extra or 'no SqsParameters'}: {got}")
        _, standard = h.open_queue(sqs, f"gcb-x-{run_id}")
        got = error_message(ev.put_targets, Rule="to-fifo", EventBusName=bus,
                            Targets=[{"Id": "t", "Arn": standard, "DeadLetterConfig": {"Arn": fifo}}])
        h.expect(got == ("ValidationException", "SQS FIFO is not supported by Dead Letter Queues."),
                 f"PutTargets with a FIFO dead-letter queue: {got}")
        h.expect(not ev.list_targets_by_rule(Rule="to-fifo", EventBusName=bus)["Targets"], "a target was stored")
        ev.delete_rule(Name="to-fifo", EventBusName=bus)

    @step("y: a FIFO queue gets the target's MessageGroupId; one without content-based deduplication refuses (DLQ)")
    def _():
        dlq_url, dlq = h.open_queue(sqs, f"gcb-y-dlq-{run_id}")
        queues = {}
        for dedup in ("true", "false"):
            name = f"gcb-y-{dedup}-{run_id}.fifo"
            url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true",
                                                                "ContentBasedDeduplication": dedup})["QueueUrl"]
            arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(
                {"Statement": [h.statement("sqs:SendMessage", arn)]})})
            queues[dedup] = (url, arn)
        for dedup, (url, arn) in queues.items():
            route(f"to-fifo-{dedup}", {"Arn": arn, "SqsParameters": {"MessageGroupId": "genesys"},
                                       "DeadLetterConfig": {"Arn": dlq}})
        put("fifo")
        got = sqs.receive_message(QueueUrl=queues["true"][0], AttributeNames=["MessageGroupId"],
                                  WaitTimeSeconds=1).get("Messages", [])
        h.expect([json.loads(m["Body"])["detail"]["marker"] for m in got] == ["fifo"],
                 f"want the event in the FIFO queue, got {got}")
        h.expect(got[0]["Attributes"].get("MessageGroupId") == "genesys", f"its group id: {got[0]['Attributes']}")
        h.expect(not h.drain(sqs, queues["false"][0], 1, timeout=1.0), "a FIFO queue without deduplication took it")
        got = h.drain(sqs, dlq_url, 1)
        h.expect(markers(got) == ["fifo"], f"want the refused event in the dead-letter queue, got {markers(got)}")
        for dedup in queues:
            unroute(f"to-fifo-{dedup}")

    @step("z: SetQueueAttributes of another attribute leaves the queue policy as it was")
    def _():
        url, arn = h.open_queue(sqs, f"gcb-z-{run_id}")
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5"})
        got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        h.expect(got.get("VisibilityTimeout") == "5", f"the attribute named was not set: {got}")
        h.expect("Policy" in got and arn in got["Policy"], f"the queue policy is gone: {got}")


def error_message(call, **kwargs):
    """(code, message) of a call expected to fail."""
    try:
        call(**kwargs)
    except Exception as e:  # botocore's ClientError
        err = getattr(e, "response", {}).get("Error", {})
        return err.get("Code"), err.get("Message")
    return None


def log_messages(logs, group, want, timeout=10.0):
    """The JSON messages of every stream of `group` once `want` arrived, or whatever arrived by `timeout`."""
    deadline, got = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        try:
            got = [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName=group)["events"]]
        except logs.exceptions.ResourceNotFoundException:
            got = []
        if len(got) >= want:
            break
        time.sleep(0.1)
    return got
