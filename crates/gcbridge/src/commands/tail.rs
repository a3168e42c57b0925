//! `gcbridge tail NAME`: events as they arrive on the destination's partner bus. A temporary SQS
//! queue and rule carry them; both are removed on exit, on Ctrl-C and on error.

use std::time::{Duration, Instant};

use gcbridge_core::read_live;
use gcbridge_core::topics::glob;
use gcbridge_core::TempListener;
use gcbridge_core::{partner_bus_arn, AwsClients};
use serde_json::Value;

use crate::cli::{GlobalArgs, OutputFormat, TailArgs};
use crate::failure::{CmdResult, Failure};
use crate::output::note;
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
    let session = Session::open_selected(&global.conn, &args.select).await?;
    let live = read_live(&session.client).await?;
    let Some(integration) = live.iter().find(|l| l.name == args.name) else {
        return Err(no_integration_named(&args.name, &session.org.name, &live));
    };
    let Some(id) = integration.source_id() else {
        return Err(Failure::failed(format!(
            "\"{}\" has no AWS configuration yet; run gcbridge apply for it",
            args.name
        )));
    };
    let aws = AwsClients::new(&id.region, global.aws_endpoint.as_deref()).await;
    aws.check_account(&id.account)
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    let bus = id.source_name(&session.org.id);
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
    let listener = TempListener::create(&aws, &bus, "tail")
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
    let result = listen(&listener, args, global.output).await;
    let cleanup = listener.cleanup().await;
    if let Err(e) = &cleanup {
        note(format!(
            "warning: could not remove the temporary queue or rule {}: {e}",
            listener.rule
        ));
    }
    let count = result?;
    note(format!(
        "{count} event(s); temporary queue and rule removed"
    ));
    cleanup.map_err(|e| Failure::failed(e.to_string()))
}

async fn listen(
    listener: &TempListener,
    args: &TailArgs,
    output: OutputFormat,
) -> Result<usize, Failure> {
    let deadline = args
        .for_secs
        .map(|s| Instant::now() + Duration::from_secs(s));
    let mut count = 0;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if left.is_some_and(|l| l.is_zero()) {
            return Ok(count);
        }
        let wait = left.map(|l| l.as_secs().clamp(1, 5) as i32).unwrap_or(5);
        tokio::select! {
            _ = &mut ctrl_c => return Ok(count),
            received = listener.receive(wait) => {
                let events = received.map_err(|e| Failure::failed(e.to_string()))?;
                for e in events.iter().filter(|e| wanted(e, args.topic.as_deref())) {
                    count += 1;
                    match output {
                        OutputFormat::Json => println!("{}", serde_json::to_string(e).unwrap_or_default()),
                        OutputFormat::Human => println!("{}", summary(e)),
                    }
                }
            }
        }
    }
}
