"""Corrections (i) to (s) and (x) to (z) of scripts/moto/launcher.py: how a rule's event reaches its targets.

moto 5.2.5 stores resource policies but never reads them when EventBridge delivers, so a target whose policy does
not let EventBridge in still receives every event (the tutorial's "events not appearing in AWS" cannot be
reproduced); it has no delivery to SNS topics, and a Lambda target makes PutEvents itself fail (HTTP 500, a
NotImplementedError in Rule.send_to_targets). `patch()` replaces Rule.send_to_targets with `send_to_targets`
below, which keeps moto's own delivery for the targets it has (SQS, CloudWatch Logs, archives, buses, API
destinations) and adds:

  (i)  `allowed`: the resource policy of the target decides, as IAM does for a service principal: an explicit Deny
       that applies wins, else an Allow that applies allows, else nothing is delivered. The request is
       events.amazonaws.com with the rule's ARN as aws:SourceArn and its account as aws:SourceAccount; any other
       condition key is absent from the request (so SNS's default topic policy, scoped by AWS:SourceOwner, does
       not let EventBridge publish: AWS's "Amazon SNS permissions" page for EventBridge says the same).
  (j)  SQS: the queue policy must allow sqs:SendMessage on the queue (EventBridge User Guide, "Amazon SQS
       permissions").
  (k)  SNS: the topic policy must allow sns:Publish on the topic; the event is published through moto's SNS, so
       the topic's subscriptions (an SQS queue) receive it.
  (l)  Lambda: the function policy must allow lambda:InvokeFunction (AddPermission for events.amazonaws.com);
       no code runs: the invocation is recorded as one log event (the event's JSON) in the log group
       /aws/lambda/NAME, as the function's own logging would, so a test can read what the function received.
  (m)  CloudWatch Logs: a resource policy of the account and region must allow logs:CreateLogStream and
       logs:PutLogEvents on the log group's streams (EventBridge User Guide, "CloudWatch Logs permissions"); the
       log event's timestamp is whole milliseconds (moto wrote a float, which the Rust SDK cannot read back).
  (n)  `to_dead_letter_queue`: for every target, what is not delivered (refused by policy, or the target does not
       exist) goes to the target's DeadLetterConfig queue when one is set and that queue's policy lets EventBridge
       send (AWS: "the dead-letter queue ... must grant EventBridge sqs:SendMessage"); otherwise it is dropped, as
       AWS drops it after its retries. PutEvents succeeds either way: delivery is asynchronous on AWS.
  (o)  `put_targets`: PutTargets of a Kinesis stream or Firehose delivery stream target without a RoleArn is a
       ValidationException (moto accepted it): EventBridge writes to those with an IAM role, never a resource
       policy (PutTargets docs: "For ... Kinesis Data Streams ... EventBridge relies on IAM roles that you specify
       in the RoleARN argument"). The message copies moto's own FIFO check's wording; AWS's exact text is assumed.
       The same for an event bus target in another account or region (the error AWS answers there, as the
       Terraform provider and CloudFormation users quote it: "RoleArn is required for target ARN."): AWS requires the
       role when the receiver granted access through an organization (PutPermission docs) and for cross-Region buses,
       and recommends it always ("We recommend always using IAM roles when the target of a rule is an event bus",
       EventBridge User Guide, "Permissions for event buses"); moto cannot tell how the receiver granted access, so
       it asks for the role in every such case. A bus of the rule's own account and region needs none.
  (p)  `role_allows`: a target reached through its RoleArn (Kinesis, Firehose, a bus elsewhere) gets the event only
       when that role exists in IAM, its trust policy lets events.amazonaws.com do sts:AssumeRole for the rule, and
       its policies (inline and attached) allow the put on the target (EventBridge User Guide, "Using
       identity-based policies for EventBridge": the role "must have permissions to call the target").
  (q)  Kinesis: with the role allowing kinesis:PutRecord, the event's JSON is one record in moto's stream, its
       partition key the event id (PutTargets docs, KinesisParameters: "If you do not include this parameter, the
       default is to use the eventId as the partition key"); moto had no Kinesis delivery.
  (r)  Firehose: with the role allowing firehose:PutRecord, the event's JSON is one record put through moto's
       Firehose, so an S3 destination's bucket holds it; moto had no Firehose delivery.
  (s)  A bus in another account or region: with the role allowing events:PutEvents on it, and (another account)
       the receiving bus's policy allowing the sender's account events:PutEvents ("Permissions for event buses":
       the receiver grants it), the event is put onto that bus; moto's own cross-account delivery checked neither.
  (x)  `put_targets`: a FIFO queue as a target's DeadLetterConfig is a ValidationException, "SQS FIFO is not
       supported by Dead Letter Queues." (moto accepted it). AWS: "EventBridge DLQs are standard Amazon SQS queues"
       (EventBridge User Guide, "Using dead-letter queues to process undelivered events"); the message is the one
       PutTargets answers, as CloudTrail records it (classmethod, "Can a FIFO queue be the dead-letter queue of an
       EventBridge rule?", 2025). A FIFO queue target without SqsParameters needs no patch: moto already answers
       AWS's own "Parameter(s) SqsParameters must be specified for target: ID." (quoted from AWS in
       hashicorp/terraform#20263 and awslabs/aws-ddk#183), for an empty SqsParameters too.
  (y)  `deliver_sqs`, FIFO queues: the message carries the target's SqsParameters.MessageGroupId (moto's own send
       did), and a FIFO queue without ContentBasedDeduplication does not take the event, which goes to the target's
       dead-letter queue like any failed delivery (EventBridge API reference, Target.SqsParameters: "If you specify
       an SQS FIFO queue as a target, the queue must have content-based deduplication enabled"). moto dropped the
       event with a Python warning and reported it delivered, so the dead-letter queue never saw it.
  (z)  `set_queue_attributes`: SetQueueAttributes changes only the attributes it names (SQS API reference,
       SetQueueAttributes: "Sets the value of one or more queue attributes"); moto set the queue policy to the
       request's, so changing any other attribute (ContentBasedDeduplication, VisibilityTimeout) erased the policy
       and with it every delivery permission (j) reads.
"""

import copy
import json
import re
import sys
import uuid

EVENTS = "events.amazonaws.com"


def _as_list(v):
    return v if isinstance(v, list) else [] if v is None else [v]


def _glob(pattern, text, fold=False):
    """IAM's wildcards: * any run, ? one character; nothing else is special."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, text, re.IGNORECASE if fold else 0) is not None


def _names(block, principal):
    """Whether a Principal block names `principal`: a service, or an account's root ARN (also written as the id)."""
    if block == "*":
        return True
    if isinstance(block, dict):
        aws = _as_list(block.get("AWS"))
        account = principal.split(":")[4] if principal.startswith("arn:") else None
        return ("*" in aws or principal in aws or (account is not None and account in aws)
                or any(p in ("*", principal) for p in _as_list(block.get("Service"))))
    return False


_TESTS = {"StringEquals": lambda w, v: w == v, "ArnEquals": lambda w, v: w == v,
          "StringEqualsIgnoreCase": lambda w, v: w.lower() == v.lower(),
          "StringLike": _glob, "ArnLike": _glob}


def _condition_holds(op, key, wanted, context):
    base = op.split(":", 1)[1] if op.startswith(("ForAnyValue:", "ForAllValues:")) else op
    if_exists = base.endswith("IfExists")
    base = base[:-len("IfExists")] if if_exists else base
    value = context.get(key.lower())
    wanted = [str(w) for w in _as_list(wanted)]
    if base == "Null":
        return any((w == "true") == (value is None) for w in wanted)
    negated = base.replace("Not", "", 1) if "Not" in base else None
    test = _TESTS.get(negated or base)
    if test is None:
        return False  # an operator this stand-in does not know: the statement does not apply
    if value is None:
        return if_exists or negated is not None
    return any(test(w, value) for w in wanted) != (negated is not None)


def _applies(s, principal, action, resource, context):
    if "Principal" in s and not _names(s["Principal"], principal):
        return False
    if "NotPrincipal" in s and _names(s["NotPrincipal"], principal):
        return False
    if "Action" in s and not any(_glob(a, action, fold=True) for a in _as_list(s["Action"])):
        return False
    if "NotAction" in s and any(_glob(a, action, fold=True) for a in _as_list(s["NotAction"])):
        return False
    if "Resource" in s and not any(_glob(r, resource) for r in _as_list(s["Resource"])):
        return False
    if "NotResource" in s and any(_glob(r, resource) for r in _as_list(s["NotResource"])):
        return False
    return all(_condition_holds(op, key, wanted, context)
               for op, block in (s.get("Condition") or {}).items() for key, wanted in block.items())


def allowed(documents, action, resource, rule_arn, principal=EVENTS):
    """(i) Whether the policy documents (dicts or JSON texts) let `principal` do `action` on `resource` for the rule."""
    context = {"aws:sourcearn": rule_arn, "aws:sourceaccount": rule_arn.split(":")[4]}
    allow = False
    for doc in documents:
        doc = json.loads(doc) if isinstance(doc, str) else doc or {}
        for s in _as_list(doc.get("Statement")):
            if isinstance(s, dict) and _applies(s, principal, action, resource, context):
                if s.get("Effect") == "Deny":
                    return False
                allow = allow or s.get("Effect") == "Allow"
    return allow


def _arn(arn):
    parts = arn.split(":", 5)
    return parts[2], parts[3], parts[4], parts[5]  # service, region, account, resource


def _as_received(event):
    """The event as SNS and Lambda receive it: moto's SQS path formats "time" the same way."""
    from moto.core.utils import iso_8601_datetime_without_milliseconds, utcfromtimestamp
    out = dict(event)
    if isinstance(out.get("time"), (int, float)) or str(out.get("time", "")).replace(".", "", 1).isdigit():
        out["time"] = iso_8601_datetime_without_milliseconds(utcfromtimestamp(float(out["time"])))
    return out


def deliver_sqs(rule, target, event):
    """(j) SQS: only when the queue policy allows sqs:SendMessage for the rule; then moto's own send. (y) A FIFO
    queue takes it only with content-based deduplication, and gets the target's MessageGroupId."""
    from moto.sqs import sqs_backends
    _, region, account, name = _arn(target["Arn"])
    queue = sqs_backends[account][region].get_queue(name)
    if not allowed([queue.policy], "sqs:SendMessage", target["Arn"], rule.arn):
        return False
    group = (target.get("SqsParameters") or {}).get("MessageGroupId")
    if queue.fifo_queue and (not group or queue.attributes.get("ContentBasedDeduplication") != "true"):
        return False
    rule._send_to_sqs_queue(name, event, group)
    return True


def deliver_sns(rule, target, event):
    """(k) SNS: only when the topic policy allows sns:Publish for the rule; published through moto's SNS."""
    from moto.sns import sns_backends
    _, region, account, _ = _arn(target["Arn"])
    backend = sns_backends[account][region]
    topic = backend.get_topic(target["Arn"])
    if not allowed([topic.policy], "sns:Publish", target["Arn"], rule.arn):
        return False
    backend.publish(message=json.dumps(_as_received(event)), arn=target["Arn"])
    return True


def deliver_lambda(rule, target, event):
    """(l) Lambda: only when the function policy allows lambda:InvokeFunction for the rule; no code runs, the
    invocation is one log event (the event's JSON) in /aws/lambda/NAME."""
    from moto.awslambda import lambda_backends
    from moto.awslambda.exceptions import GenericResourcNotFound
    from moto.logs import logs_backends
    _, region, account, _ = _arn(target["Arn"])
    fn = lambda_backends[account][region].get_function(target["Arn"])
    try:
        policy = fn.policy.get_policy()["Policy"]
    except GenericResourcNotFound:  # moto's answer for a function without a policy
        policy = None
    if not allowed([policy], "lambda:InvokeFunction", target["Arn"], rule.arn):
        return False
    group = f"/aws/lambda/{fn.function_name}"
    if group not in logs_backends[account][region].groups:
        logs_backends[account][region].create_log_group(group, {})
    _write_log_event(account, region, group, f"{uuid.uuid4().hex[:8]}/[$LATEST]{uuid.uuid4().hex}", event)
    return True


def _write_log_event(account, region, group, stream, event):
    """One log event in a new stream, its timestamp in whole milliseconds as AWS stores it (moto's own Logs target
    wrote a float, which the Rust SDK refuses to read back: DeserializeError InvalidNumber)."""
    from moto.core.utils import unix_time_millis
    from moto.logs import logs_backends
    logs = logs_backends[account][region]
    logs.create_log_stream(group, stream)
    logs.put_log_events(group, stream, [{"timestamp": int(unix_time_millis()), "message": json.dumps(_as_received(event))}])


def deliver_logs(rule, target, event):
    """(m) CloudWatch Logs: only when a resource policy of the account and region allows logs:CreateLogStream and
    logs:PutLogEvents on the group's streams for the rule; then one log event in a new stream."""
    from moto.logs import logs_backends
    _, region, account, resource = _arn(target["Arn"])
    group = resource.split(":", 1)[1].removesuffix(":*")
    backend = logs_backends[account][region]
    docs = [p.policy_document for p in backend.resource_policies.values()]
    stream = f"arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:{uuid.uuid4()}"
    if not all(allowed(docs, a, stream, rule.arn) for a in ("logs:CreateLogStream", "logs:PutLogEvents")):
        return False
    _write_log_event(account, region, group, str(uuid.uuid4()), event)
    return True


def role_allows(rule, target, action):
    """(p) Whether the target's RoleArn exists, trusts events.amazonaws.com for the rule and allows `action` on it."""
    from moto.iam.models import iam_backends
    role_arn = target.get("RoleArn")
    if not role_arn or role_arn.count(":") < 5:
        return False
    account = role_arn.split(":")[4]
    try:
        role = iam_backends[account]["aws"].get_role_by_arn(role_arn)
    except Exception:  # no such role: EventBridge cannot assume it
        return False
    if not allowed([role.assume_role_policy_document], "sts:AssumeRole", role_arn, rule.arn):
        return False
    docs = list(role.policies.values()) + [v.document for p in role.managed_policies.values()
                                           for v in p.versions if v.is_default]
    return allowed(docs, action, target["Arn"], rule.arn)


def deliver_kinesis(rule, target, event):
    """(q) Kinesis: one record (the event's JSON, keyed by its id) once the role allows kinesis:PutRecord."""
    import base64
    from moto.kinesis.models import kinesis_backends
    if not role_allows(rule, target, "kinesis:PutRecord"):
        return False
    _, region, account, resource = _arn(target["Arn"])
    data = base64.b64encode(json.dumps(_as_received(event)).encode()).decode()
    kinesis_backends[account][region].put_record(stream_arn=target["Arn"], stream_name=resource.split("/", 1)[1],
                                                 partition_key=str(event.get("id") or uuid.uuid4()),
                                                 explicit_hash_key=None, data=data)
    return True


def deliver_firehose(rule, target, event):
    """(r) Firehose: one record (the event's JSON) through moto's Firehose once the role allows firehose:PutRecord."""
    from moto.firehose.models import firehose_backends
    if not role_allows(rule, target, "firehose:PutRecord"):
        return False
    _, region, account, resource = _arn(target["Arn"])
    firehose_backends[account][region].put_record(resource.split("/", 1)[1],
                                                  {"Data": json.dumps(_as_received(event)).encode()})
    return True


def deliver_bus(rule, target, event):
    """(s) A bus in another account or region: the role allows events:PutEvents on it, and a bus of another account
    lets the rule's account put events; then the event goes onto that bus. Returns None for a bus of the rule's own
    account and region (moto's own delivery)."""
    from moto.events.models import events_backends
    _, region, account, resource = _arn(target["Arn"])
    _, rule_region, rule_account, _ = _arn(rule.arn)
    if not resource.startswith("event-bus/") or (account, region) == (rule_account, rule_region):
        return None
    if not role_allows(rule, target, "events:PutEvents"):
        return False
    backend = events_backends[account][region]
    name = resource.split("/", 1)[1]
    bus = backend.event_buses[name]
    if account != rule_account and not allowed([bus.policy], "events:PutEvents", target["Arn"], rule.arn,
                                               principal=f"arn:aws:iam::{rule_account}:root"):
        return False
    backend.put_events([{"Source": event["source"], "DetailType": event["detail-type"],
                         "Detail": json.dumps(event["detail"]), "EventBusName": name}])
    return True


DELIVER = {"sqs": deliver_sqs, "sns": deliver_sns, "lambda": deliver_lambda, "logs": deliver_logs,
           "kinesis": deliver_kinesis, "firehose": deliver_firehose, "events": deliver_bus}


def to_dead_letter_queue(rule, target, event):
    """(n) What a target did not take goes to its DeadLetterConfig queue, if that queue lets EventBridge send."""
    dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
    if not dlq:
        return
    try:
        deliver_sqs(rule, {"Arn": dlq}, dict(event))
    except Exception as e:  # the dead-letter queue is gone: AWS drops the event too
        print(f"moto delivery: dead-letter queue {dlq} of rule {rule.arn}: {type(e).__name__}: {e}", file=sys.stderr)


NEEDS_ROLE = ("kinesis", "firehose")


def needs_role(rule_arn, target_arn):
    """(o) Kinesis, Firehose, and a bus of another account or region."""
    parts = target_arn.split(":", 5)
    if len(parts) < 6:
        return False
    if parts[2] in NEEDS_ROLE:
        return True
    rule = rule_arn.split(":", 5)
    return parts[2] == "events" and parts[5].startswith("event-bus/") and (parts[3], parts[4]) != (rule[3], rule[4])


def patch():
    from moto.sqs import models as sqs_models

    moto_set_attributes = sqs_models.Queue._set_attributes

    def set_attributes(self, attributes, now=None):
        """(z) A request without Policy leaves the queue's policy as it was."""
        kept = None if "Policy" in attributes or not hasattr(self, "_policy_json") else self.policy
        moto_set_attributes(self, attributes, now)
        if kept is not None:
            self.policy = kept

    sqs_models.Queue._set_attributes = set_attributes

    from moto.events import models as m
    from moto.events.exceptions import ValidationException
    from moto.events.utils import EventTemplateParser

    moto_put_targets = m.EventsBackend.put_targets

    def put_targets(self, name, event_bus_arn, targets):
        """(o) A Kinesis or Firehose target, or a bus in another account or region, needs a RoleArn; (x) a
        dead-letter queue is a standard queue."""
        rule_arn = f"arn:aws:events:{self.region_name}:{self.account_id}:rule/{name}"  # its account and region
        for target in targets:
            if needs_role(rule_arn, target["Arn"]) and not target.get("RoleArn"):
                raise ValidationException(f"RoleArn is required for target {target['Arn']}.")
            if (target.get("DeadLetterConfig") or {}).get("Arn", "").endswith(".fifo"):  # (x)
                raise ValidationException("SQS FIFO is not supported by Dead Letter Queues.")
        moto_put_targets(self, name, event_bus_arn, targets)

    m.EventsBackend.put_targets = put_targets

    moto_send = m.Rule.send_to_targets

    def send_to_targets(self, original_event, transform_input=True):
        """Each target in turn: the types of DELIVER through their policy check, the others through moto's code."""
        if not self.event_pattern.matches_event(original_event):
            return
        for target in self.targets:
            service = target["Arn"].split(":")[2]
            if service not in DELIVER:
                one = copy.copy(self)
                one.targets = [target]
                moto_send(one, original_event, transform_input)
                continue
            transformer = target.get("InputTransformer", {})
            event = EventTemplateParser.parse(input_template=transformer.get("InputTemplate"),
                                              input_paths_map=transformer.get("InputPathsMap", {}),
                                              event=original_event) if transform_input else original_event.copy()
            try:
                delivered = DELIVER[service](self, target, dict(event))
                if delivered is None:  # moto's own delivery (an archive, a bus of this account and region)
                    one = copy.copy(self)
                    one.targets = [target]
                    moto_send(one, original_event, transform_input)
                    continue
            except Exception as e:  # e.g. the target does not exist: AWS accepts the event and fails the invocation
                print(f"moto delivery: rule {self.arn} -> {target['Arn']}: {type(e).__name__}: {e}", file=sys.stderr)
                delivered = False
            if not delivered:
                to_dead_letter_queue(self, target, event)

    m.Rule.send_to_targets = send_to_targets
