//! `gcbridge tail NAME`: events as they arrive on the destination's partner bus. A temporary SQS
//! queue and rule carry them; both are removed on exit, on error, on a closed stdout (exit 141)
//! and on SIGINT, SIGTERM or SIGHUP (`crate::signals`). Expired ones that an earlier run could not
//! remove (SIGKILL) are removed first.

use std::io::Write;
use std::time::{Duration, Instant};

use gcbridge_core::read_live;
use gcbridge_core::topics::glob;
use gcbridge_core::{partner_bus_arn, AwsClients, AwsError};
use gcbridge_core::{sweep_expired_temporary, temporary_lifetime, TempListener};
use serde_json::Value;

use crate::cli::{GlobalArgs, OrgSelect, OutputFormat, TailArgs};
use crate::failure::{CmdResult, Failure};
use crate::output::{note, EXIT_CLOSED_STDOUT};
use crate::session::{no_integration_named, Session};

/// One line for a human: time, topic template, concrete topic and a few body fields.
fn summary(e: &Value) -> String {
    let time = e["time"].as_str().unwrap_or("-");
    let topic = e["detail-type"].as_str().unwrap_or("-");
    let concrete = e["detail"]["topicName"].as_str().unwrap_or("");
    let mut fields = Vec::new();
    if let Some(body) = e["detail"]["eventBody"].as_object() {
        for (k, v) in body
            .iter()
            .filter(|(_, v)| v.is_string() || v.is_number() || v.is_boolean())
            .take(3)
        {
            let text = v
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| v.to_string());
            fields.push(format!("{k}={}", text.chars().take(40).collect::<String>()));
        }
    }
    format!("{time}  {topic}  {concrete}  {}", fields.join(" "))
}

fn wanted(e: &Value, pattern: Option<&str>) -> bool {
    let Some(p) = pattern else { return true };
    let template = e["detail-type"].as_str().unwrap_or("");
    let concrete = e["detail"]["topicName"].as_str().unwrap_or("");
    glob::matches(p, template)
        || glob::matches(p, concrete)
        || (!glob::is_glob(p) && (template == p || concrete == p))
}

pub async fn run(global: &GlobalArgs, args: &TailArgs) -> CmdResult {
    let (aws, bus) = bus_to_listen_on(global, args).await?;
    for line in sweep_expired_temporary(&aws, &bus).await {
        note(line);
    }
    let mut listener = TempListener::create(&aws, &bus, "tail", temporary_lifetime(args.for_secs))
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    note(format!(
        "listening on {bus} (temporary queue and rule {}); {}",
        listener.rule,
        match args.for_secs {
            Some(s) => format!("stopping after {s}s"),
            None => "Ctrl-C to stop".into(),
        }
    ));
    let result = listen(&mut listener, &aws, &bus, args, global.output).await;
    let cleanup = removed(listener.cleanup().await);
    let count = result?;
    cleanup?;
    note(format!("{count} event(s)"));
    Ok(())
}

/// The partner bus of the integration named: it must be configured, and its source associated.
async fn bus_to_listen_on(
    global: &GlobalArgs,
    args: &TailArgs,
) -> Result<(AwsClients, String), Failure> {
    let (aws, bus) = destination_bus(global, &args.select, &args.name).await?;
    if partner_bus_arn(&aws, &bus)
        .await
        .map_err(|e| Failure::failed(e.to_string()))?
        .is_none()
    {
        return Err(Failure::failed(format!(
            "the partner event source {bus} is not associated with an event bus, so there is nothing to listen on; run `gcbridge doctor {}`",
            args.name
        )));
    }
    Ok((aws, bus))
}

/// The AWS clients of the integration named and its partner bus's name (the bus may not exist):
/// the integration must be configured, and the AWS credentials of its account.
pub(crate) async fn destination_bus(
    global: &GlobalArgs,
    select: &OrgSelect,
    name: &str,
) -> Result<(AwsClients, String), Failure> {
    let session = Session::open_selected(global, select).await?;
    let live = read_live(&session.client).await?;
    let Some(integration) = live.iter().find(|l| l.name == name) else {
        return Err(no_integration_named(name, &session.org.name, &live));
    };
    let Some(id) = integration.source_id() else {
        return Err(Failure::failed(format!(
            "\"{name}\" has no AWS configuration yet; run gcbridge apply for it"
        )));
    };
    let aws = AwsClients::new(&id.region, global.aws_endpoint.as_deref()).await;
    aws.check_account(&id.account)
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    Ok((aws, id.source_name(&session.org.id)))
}

/// Says on stderr what a listener's cleanup removed, or what it could not.
pub(crate) fn removed(cleanup: Result<Vec<String>, AwsError>) -> CmdResult {
    match cleanup {
        Ok(lines) => {
            lines.into_iter().for_each(note);
            Ok(())
        }
        Err(e) => {
            note(format!("warning: {e}"));
            Err(Failure::failed(
                "could not remove every temporary resource; they expire by themselves, and the next tail, doctor or apply removes them then",
            ))
        }
    }
}

/// Writes one event line; a closed stdout ends the listening (exit 141, after the cleanup).
fn write_event(line: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err(Failure::exit(EXIT_CLOSED_STDOUT))
        }
        Err(e) => Err(Failure::failed(format!("writing to stdout: {e}"))),
    }
}

/// Renews a listener without an end before its names say it expired, so that no other command
/// takes it for a leftover: a fresh one first, then the old one removed.
async fn renew_if_due(
    listener: &mut TempListener,
    aws: &AwsClients,
    bus: &str,
    open_ended: bool,
) -> Result<(), Failure> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if !open_ended || listener.expires > now + RENEW_BEFORE_SECS {
        return Ok(());
    }
    let fresh = TempListener::create(aws, bus, "tail", temporary_lifetime(None))
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    let old = std::mem::replace(listener, fresh);
    note(format!(
        "renewed the temporary listener: now {}",
        listener.rule
    ));
    removed(old.cleanup().await)
}

/// How long before its expiry an open-ended listener is renewed.
const RENEW_BEFORE_SECS: u64 = 300;

async fn listen(
    listener: &mut TempListener,
    aws: &AwsClients,
    bus: &str,
    args: &TailArgs,
    output: OutputFormat,
) -> Result<usize, Failure> {
    let deadline = args
        .for_secs
        .map(|s| Instant::now() + Duration::from_secs(s));
    let mut count = 0;
    loop {
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if left.is_some_and(|l| l.is_zero()) {
            return Ok(count);
        }
        renew_if_due(listener, aws, bus, deadline.is_none()).await?;
        let wait = left.map(|l| l.as_secs().clamp(1, 5) as i32).unwrap_or(5);
        let events = listener
            .receive(wait)
            .await
            .map_err(|e| Failure::failed(e.to_string()))?;
        for e in events.iter().filter(|e| wanted(e, args.topic.as_deref())) {
            count += 1;
            write_event(&match output {
                OutputFormat::Json => serde_json::to_string(e).unwrap_or_default(),
                OutputFormat::Human => summary(e),
            })?;
        }
    }
}
