//! The tutorial's four errors, shown live by the demo: a view-only client's 403 with the permission
//! named, a bad event bus ARN refused before any request, a 429 storm paced through, and "events
//! not appearing" (the bus association removed: doctor fails at that link and names the fix, the
//! apply repairs it); then the re-run that changes nothing.

use gcbridge_core::doctor::Status;
use gcbridge_core::{
    parse_partner_arn, plan_org, read_live, ConvergeOptions, Desired, Destination,
};
use genesys_client::CreateIntegrationRequest;
use serde_json::{json, Value};

use super::aws_half::{self, AwsHalf};
use super::{demo_session, first_line, Steps};
use crate::failure::Failure;
use crate::session::Session;

/// The emulator's request counters (`GET /sim/v1/requests`).
pub async fn counters(base_url: &str) -> Result<Value, Failure> {
    let failed = |e: reqwest::Error| {
        Failure::failed(format!("reading the emulator's request counters: {e}"))
    };
    reqwest::get(format!("{base_url}/sim/v1/requests"))
        .await
        .and_then(|r| r.error_for_status())
        .map_err(failed)?
        .json()
        .await
        .map_err(failed)
}

/// A view-only client's create is refused with the permission named.
pub async fn viewer_is_refused(base: &str, steps: &mut Steps) -> Result<(), Failure> {
    let viewer = demo_session(base, genesys_sim::VIEWER_CLIENT_ID).await?;
    let denied = viewer
        .client
        .create_integration(&CreateIntegrationRequest::eventbridge("should-not-exist"))
        .await;
    let text = match denied {
        Err(e) if e.status() == Some(403) => e.to_string(),
        Err(e) => {
            return Err(Failure::failed(format!(
                "expected a 403 for the view-only client, got: {e}"
            )))
        }
        Ok(_) => {
            return Err(Failure::failed(
                "the view-only client was allowed to create an integration",
            ))
        }
    };
    steps.record("error 1: a view-only client creates", first_line(&text));
    Ok(())
}

/// The tutorial's event bus ARN with a short account id: refused offline, no request sent.
pub async fn bad_arn_is_refused(base: &str, steps: &mut Steps) -> Result<(), Failure> {
    let before = counters(base).await?["total"].clone();
    let arn = "arn:aws:events:us-east-1:12345:event-bus/aws.partner/genesys.com/cloud/x/demo";
    let Err(e) = parse_partner_arn(arn) else {
        return Err(Failure::failed(format!("the bad ARN {arn} was accepted")));
    };
    let after = counters(base).await?["total"].clone();
    if before != after {
        return Err(Failure::failed("checking the bad ARN sent a request"));
    }
    steps.record(
        "error 2: a bad event bus ARN",
        format!(
            "{} (requests: {before} before, {after} after)",
            first_line(&e.to_string())
        ),
    );
    Ok(())
}

/// Every API call answers 429 three times with Retry-After: 1; the client waits and gets through.
pub async fn storm_is_paced(
    session: &Session,
    base: &str,
    steps: &mut Steps,
) -> Result<(), Failure> {
    let rule = json!([{"kind": "rate-limit", "retry_after_secs": 1, "rate": 1.0, "count": 3}]);
    put_faults(base, &rule).await?;
    let read = read_live(&session.client).await;
    put_faults(base, &json!([])).await?;
    let live = read.map_err(|e| Failure::failed(format!("the 429 storm was not paced: {e}")))?;
    let limited = counters(base).await?["byStatus"]["429"]
        .as_u64()
        .unwrap_or(0);
    steps.record(
        "error 3: a 429 storm",
        format!(
            "{limited} x 429 with Retry-After: 1, waited out; read {} integration(s)",
            live.len()
        ),
    );
    Ok(())
}

async fn put_faults(base: &str, rules: &Value) -> Result<(), Failure> {
    reqwest::Client::new()
        .put(format!("{base}/sim/v1/faults"))
        .json(rules)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| Failure::failed(format!("setting the emulator's faults: {e}")))?;
    Ok(())
}

/// The bus deleted by hand: the source is PENDING again, doctor fails at that link with the fix,
/// the apply re-creates the bus and its rules, and events flow again.
pub async fn events_not_appearing(
    session: &Session,
    half: &AwsHalf,
    steps: &mut Steps,
) -> Result<usize, Failure> {
    let state = gcbridge_core::demo::break_association(&half.clients, &half.source)
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    steps.record(
        "error 4: the bus deleted by hand",
        format!(
            "the source is {} again: its events are dropped",
            state.label()
        ),
    );
    let reports = aws_half::run_doctor(session, half).await?;
    let failed = reports
        .iter()
        .flat_map(|r| &r.checks)
        .find(|c| c.status == Status::Fail)
        .ok_or_else(|| Failure::failed("doctor did not notice the missing bus"))?;
    steps.record(
        "doctor fails at that link",
        format!(
            "{}: {} | fix: {}",
            failed.label(),
            first_line(&failed.detail),
            failed.fix.as_deref().unwrap_or("-")
        ),
    );
    aws_half::converge(session, half, steps).await?;
    aws_half::events_arrive(half, 1, "events flow again", steps).await
}

/// The same apply again: nothing to change on either half, no write request to Genesys.
pub async fn rerun_changes_nothing(
    session: &Session,
    destinations: &[Destination],
    endpoint: Option<&str>,
    base: &str,
    steps: &mut Steps,
) -> Result<u64, Failure> {
    let before = counters(base).await?["writes"].as_u64().unwrap_or(0);
    let options = ConvergeOptions {
        aws_endpoint: endpoint.map(String::from),
        ..ConvergeOptions::default()
    };
    let desired = Desired::Converge(destinations);
    let plan = plan_org(&session.client, &session.org.id, desired, &options)
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    let written = counters(base).await?["writes"].as_u64().unwrap_or(0) - before;
    if plan.has_changes() || written != 0 {
        return Err(Failure::failed(format!(
            "re-running changed something: {written} write request(s)"
        )));
    }
    let halves = if endpoint.is_some() {
        "either half"
    } else {
        "the Genesys half"
    };
    steps.record(
        "re-run the same apply",
        format!("no changes on {halves}, {written} write requests (counted by the emulator)"),
    );
    Ok(written)
}
