#!/usr/bin/env python3
"""The tutorial's approach, written against the *real* Genesys Cloud API with the official SDK.

What the tutorial does, step by step, per destination:
  authenticate (client credentials) -> create the `amazon-eventbridge-source` integration ->
  put its config with the topics -> enable it -> read it back.
with the tutorial's retry helper: on a 429, sleep Retry-After seconds and try again.

Like the tutorial it keeps no state and does not look for an existing integration: run twice,
it creates a duplicate (the benchmark shows that).

The one line that differs from the tutorial is `configuration.host = BASE_URL` (the tutorial sets
`PureCloudRegionHosts.<region>.get_api_host()`). The SDK derives the login URL from the host by
replacing `//api.` with `//login.` (ApiClient.get_conf_url); for `http://127.0.0.1:PORT` nothing is
replaced, so the token request goes to `http://127.0.0.1:PORT/oauth/token`, the emulator's token
endpoint. No other patching.

Usage:
  tutorial_baseline.py --count N [--prefix P] [--topics T1,T2]      (env GENESYS_API_URL, GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET)
  tutorial_baseline.py --whoami      token + GET /api/v2/organizations/me
  tutorial_baseline.py --topics-search WORD   fetch the topic catalogue and filter it
Prints one JSON line with counts on stdout.
"""
import argparse
import json
import os
import sys
import time

import PureCloudPlatformClientV2
from PureCloudPlatformClientV2.rest import ApiException

DEFAULT_TOPICS = "v2.users.{id}.presence,v2.routing.queues.{id}.users"

RETRIES_429 = 0


def with_retry(fn, *args, **kwargs):
    """The tutorial's retry helper: a 429 waits Retry-After seconds, then the call is repeated."""
    global RETRIES_429
    for attempt in range(10):
        try:
            return fn(*args, **kwargs)
        except ApiException as e:
            if e.status == 429 and attempt < 9:
                headers = e.headers or {}
                retry_after = headers.get("Retry-After") or headers.get("retry-after") or "1"
                RETRIES_429 += 1
                time.sleep(float(retry_after))
                continue
            raise


def account_id(prefix_num, d):
    return f"{123456000000 + d:012d}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--prefix", default="dest")
    p.add_argument("--suffix-prefix", default="bench")
    p.add_argument("--topics", default=DEFAULT_TOPICS)
    p.add_argument("--whoami", action="store_true")
    p.add_argument("--topics-search")
    a = p.parse_args()

    # The one line that differs from the tutorial (see the module docstring).
    PureCloudPlatformClientV2.configuration.host = os.environ["GENESYS_API_URL"]
    api_client = with_retry(
        PureCloudPlatformClientV2.api_client.ApiClient().get_client_credentials_token,
        os.environ["GENESYS_CLIENT_ID"],
        os.environ["GENESYS_CLIENT_SECRET"],
    )

    if a.whoami:
        org = with_retry(PureCloudPlatformClientV2.OrganizationApi(api_client).get_organizations_me)
        print(json.dumps({"org": org.id, "retries429": RETRIES_429}))
        return
    if a.topics_search:
        listing = with_retry(
            PureCloudPlatformClientV2.NotificationsApi(api_client).get_notifications_availabletopics
        )
        hits = [t.id for t in listing.entities if a.topics_search.lower() in t.id.lower()]
        print(json.dumps({"hits": len(hits), "retries429": RETRIES_429}))
        return

    integrations = PureCloudPlatformClientV2.IntegrationsApi(api_client)
    topics = a.topics.split(",")
    created = []
    for d in range(a.count):
        name = f"{a.prefix}-{d}"
        # 1. create (disabled, empty config)
        body = PureCloudPlatformClientV2.CreateIntegrationRequest()
        body.name = name
        body.integration_type = PureCloudPlatformClientV2.IntegrationType()
        body.integration_type.id = "amazon-eventbridge-source"
        integration = with_retry(integrations.post_integrations, body=body)
        # 2. put the config with the topics; the real API wants the current version, so read it first
        current = with_retry(integrations.get_integration_config_current, integration.id)
        config = PureCloudPlatformClientV2.IntegrationConfiguration()
        config.name = name
        config.version = current.version
        config.notes = "created by the tutorial script"
        config.properties = {
            "awsAccountId": account_id(a.prefix, d),
            "awsAccountRegion": "us-east-1",
            "eventSourceSuffix": f"{a.suffix_prefix}-{d}",
            "eventFilter": topics,
        }
        config.advanced = {}
        config.credentials = {}
        with_retry(integrations.put_integration_config_current, integration.id, body=config)
        # 3. enable
        patch = PureCloudPlatformClientV2.Integration()
        patch.intended_state = "ENABLED"
        with_retry(integrations.patch_integration, integration.id, body=patch)
        # 4. read it back
        back = with_retry(integrations.get_integration, integration.id)
        created.append({"id": back.id, "intendedState": back.intended_state})
    print(json.dumps({"created": len(created), "retries429": RETRIES_429}))


if __name__ == "__main__":
    try:
        main()
    except ApiException as e:
        print(f"error: {e.status} {e.reason}: {e.body}", file=sys.stderr)
        sys.exit(1)
