"""moto's IAM enforcement (`INITIAL_NO_AUTH_ACTION_COUNT`, moto's "IAM-like Access Control"), made usable for
gcbridge's least-privilege proof (crates/gcbridge/tests/cli/iam_enforced.rs). Patched only when that variable is
set, so the ordinary server of scripts/with-moto is unchanged.

What moto 5.2.5 enforces (moto/core/authorization.py, moto/iam/access_control.py): every request through
BaseResponse.call_action, once INITIAL_NO_AUTH_ACTION_COUNT requests have passed, is authenticated (SigV4 with a key
of an IAM user or an assumed role) and its action checked against that identity's policies (inline and attached,
user's and groups'). Resources: moto names the request's resource only for SQS (an existing queue's ARN) and IAM (an
existing role's ARN) and sends "*" everywhere else; conditions, permission boundaries, resource policies and the
actions AWS checks along with another call (iam:PassRole for PutTargets, sqs:TagQueue for CreateQueue with tags,
iam:TagRole for CreateRole with tags) are not checked. sts:GetCallerIdentity is always allowed, as on AWS.

Corrections, each named after the AWS behaviour it restores:

(aa) A form-encoded POST (IAM, SNS, STS: the query protocol) is re-signed by moto over its form re-encoded by
    Python, not over the body the client signed; AWS checks the signature of the bytes sent.
(ab) A refusal comes back as moto's generic XML <ErrorResponse><Errors><Error>, which neither a JSON client nor
    the Rust SDK's query-protocol parser can read (no error code). AWS answers in the shape of the service's
    protocol: JSON for EventBridge, CloudWatch Logs, SQS (JSON protocol), Lambda, Secrets Manager and SSM,
    {"__type": "AccessDeniedException", "message": "User: ARN is not authorized to perform: ACTION ..."} (the AWS
    JSON 1.0/1.1 and REST-JSON error shape), and <ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>
    ... for the query protocol (IAM, STS, SNS).
(ac) A statement scoped to ARNs never matches the "*" moto uses when it does not know a request's resource, so a
    least-privilege policy would be refused everything but SQS and IAM calls. AWS always knows the resource; where
    moto does not, the statement is judged by its action alone (where moto knows it, SQS and IAM, the ARN is
    matched as AWS would).
(ad) A GET or DELETE with no query string (Lambda's GetFunction, GetPolicy, RemovePermission: REST calls) is
    re-signed by moto over a body made of its headers (setup_class falls back to the headers for its `data`), so every such
    call fails SignatureDoesNotMatch; AWS signs the payload as sent: an empty body is the hash of "".
Not a correction but the harness: requests signed with the static test key "testing" (the emulator's partner calls
from its own account, and the test's own setup and checks) are neither authenticated nor authorized; only the
keys of IAM users the test creates are, so only gcbridge runs under the policy under test.
"""

import io
import json
import os
import sys

STATIC_KEY = "testing"
# Where (aa) keeps a form POST's body as it arrived.
RAW_FORM = "gcbridge.raw_form_body"


def enforced() -> bool:
    return "INITIAL_NO_AUTH_ACTION_COUNT" in os.environ


def _key(headers) -> str:
    auth = headers.get("Authorization") or ""
    return auth.partition("Credential=")[2].partition("/")[0]


def _json_protocol(response) -> bool:
    content = response.headers.get("Content-Type") or ""
    rest_json = getattr(response, "service_name", "") in ("lambda", "awslambda")
    return rest_json or "json" in content or bool(response.headers.get("X-Amz-Target"))


def patch() -> None:
    if not enforced():
        return
    from moto.core import authorization
    from moto.core.exceptions import JsonRESTError
    from moto.iam import access_control

    mixin = authorization.ActionAuthenticatorMixin
    authorize = mixin._authenticate_and_authorize_action

    def authenticate_and_authorize(self, iam_request_cls, resource="*"):
        if _key(self.headers) == STATIC_KEY:
            return
        raw = self.normalized_request.environ.get(RAW_FORM)
        kept = self.raw_body
        if raw and not kept:
            self.raw_body = raw  # (aa)
        try:
            authorize(self, iam_request_cls, resource)
        except JsonRESTError:
            raise
        except Exception as e:
            code = getattr(e, "error_type", None)
            # In moto's log (the test shows its tail on a failure): who was refused what.
            print(f"iam: refused {self.method} {self.raw_path} ({_key(self.headers)}): {code}: "
                  f"{getattr(e, 'message', e)}", file=sys.stderr, flush=True)
            if code is None:
                raise
            if not _json_protocol(self):
                # (ab) the query protocol's shape: one <Error> in <ErrorResponse>, as IAM, STS and SNS answer.
                from xmltodict import unparse
                e.description = unparse({"ErrorResponse": {
                    "Error": {"Type": "Sender", "Code": code, "Message": getattr(e, "message", str(e))},
                    "RequestId": "gcbridge-moto-iam"}}, full_document=True)
                raise
            # (ab) the same refusal in the JSON shape of the service's protocol.
            json_code = {"AccessDenied": "AccessDeniedException"}.get(code, code)
            error = JsonRESTError(json_code, getattr(e, "message", str(e)))
            error.code = getattr(e, "code", 400)
            raise error
        finally:
            self.raw_body = kept

    mixin._authenticate_and_authorize_action = authenticate_and_authorize

    # (aa) keep a form POST's body as it was signed: werkzeug parses it into the form, and moto re-encodes that dict
    # for the signature check, which matches only when the client encoded it exactly as Python does (boto3 does,
    # the Rust SDK's CreateRole with a policy document and tags does not).
    from moto.moto_server import werkzeug_app

    dispatch = werkzeug_app.DomainDispatcherApplication.__call__

    def call(self, environ, start_response):
        if (environ.get("CONTENT_TYPE") or "").startswith("application/x-www-form-urlencoded"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(raw)
            environ[RAW_FORM] = raw
        return dispatch(self, environ, start_response)

    werkzeug_app.DomainDispatcherApplication.__call__ = call

    # (ac) a request whose resource moto does not know ("*") is judged by its action.
    matches = access_control.IAMPolicyStatement._check_element_matches

    def check_element_matches(self, element, value):
        if element in ("Resource", "NotResource") and value == "*":
            return element == "Resource"
        return matches(self, element, value)

    access_control.IAMPolicyStatement._check_element_matches = check_element_matches

    # (ad) the payload signed is the body sent, empty included.
    create_request = access_control.IAMRequestBase._create_aws_request

    def create_aws_request(self):
        # A form POST's body is parsed away before moto sees it (its `data` is the form then).
        if not self._body and self._method in ("GET", "HEAD", "DELETE"):
            self._data = {}
        return create_request(self)

    access_control.IAMRequestBase._create_aws_request = create_aws_request


def selfcheck(endpoint: str) -> None:
    """Proves (ab) and (ac) and the static key against a server started with INITIAL_NO_AUTH_ACTION_COUNT."""
    import boto3
    import botocore

    def client(service, key="testing", secret="testing"):
        return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                            aws_access_key_id=key, aws_secret_access_key=secret)

    iam = client("iam")
    iam.create_user(UserName="selfcheck")
    bus = "arn:aws:events:us-east-1:123456789012:event-bus/default"
    iam.put_user_policy(UserName="selfcheck", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "events:DescribeEventBus", "Resource": bus}]}))
    key = iam.create_access_key(UserName="selfcheck")["AccessKey"]
    user = client("events", key["AccessKeyId"], key["SecretAccessKey"])
    user.describe_event_bus(Name="default")  # (ac): scoped, allowed by its action
    try:
        user.list_rules()
        raise SystemExit("iam selfcheck: events:ListRules was allowed without a permission")
    except botocore.exceptions.ClientError as e:  # (ab): a JSON error with its code
        assert e.response["Error"]["Code"] == "AccessDeniedException", e.response
        assert "not authorized to perform: events:ListRules" in e.response["Error"]["Message"], e.response
    client("events").list_rules()  # the static key is the harness's
    lam = client("lambda", key["AccessKeyId"], key["SecretAccessKey"])
    try:  # (ad): the bodiless GET's signature holds, so the refusal is the action's, in JSON (ab)
        lam.get_policy(FunctionName="nothing")
        raise SystemExit("iam selfcheck: lambda:GetPolicy was allowed without a permission")
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDeniedException", e.response
    sts = client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"].endswith(":user/selfcheck")  # a form POST's signature holds (aa)
    try:  # (ab) in the query protocol's shape
        client("iam", key["AccessKeyId"], key["SecretAccessKey"]).get_role(RoleName="nothing")
        raise SystemExit("iam selfcheck: iam:GetRole was allowed without a permission")
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDenied", e.response
    print("iam selfcheck: ok")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: iam.py ENDPOINT   (selfcheck of a moto started with INITIAL_NO_AUTH_ACTION_COUNT)")
    selfcheck(sys.argv[1])
