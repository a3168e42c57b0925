//! `gcbridge delete NAME`: remove one EventBridge integration, after confirmation.

use gcbridge_core::read_live;
use serde_json::json;

use crate::cli::{DeleteArgs, GlobalArgs, OutputFormat};
use crate::confirm::confirm;
use crate::escape::{field, outln};
use crate::failure::{CmdResult, Failure};
use crate::output::print_json;
use crate::session::{no_integration_named, Session};

pub async fn run(global: &GlobalArgs, args: &DeleteArgs) -> CmdResult {
    let session = Session::open_selected(&global.conn, &args.select).await?;
    let live = read_live(&session.client).await?;
    let matching: Vec<_> = live.iter().filter(|l| l.name == args.name).collect();
    let target = match matching.as_slice() {
        [] => return Err(no_integration_named(&args.name, &session.org.name, &live)),
        [one] => *one,
        many => {
            let ids: Vec<&str> = many.iter().map(|l| l.id.as_str()).collect();
            return Err(Failure::failed(format!(
                "{} EventBridge integrations are named \"{}\" ({}); delete the extra ones in the admin UI, or describe the one to keep in a config file and run `gcbridge apply --prune`",
                many.len(),
                args.name,
                ids.join(", ")
            )));
        }
    };
    if global.output == OutputFormat::Human {
        outln!(
            "Will delete {} ({}) in org {}: its events stop flowing to {}.",
            field(&target.name),
            field(&target.id),
            field(&session.org.name),
            target
                .event_source_suffix
                .as_deref()
                .unwrap_or("(unconfigured)")
        );
    }
    if !args.yes && !confirm("Delete it?", "--yes")? {
        return Err(Failure::failed("delete cancelled; nothing was changed"));
    }
    session.client.delete_integration(&target.id).await?;
    match global.output {
        OutputFormat::Json => {
            print_json(&json!({"deleted": {"name": target.name, "id": target.id}}))
        }
        OutputFormat::Human => outln!("Deleted {} ({}).", field(&target.name), field(&target.id)),
    }
    Ok(())
}
