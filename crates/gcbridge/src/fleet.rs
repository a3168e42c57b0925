//! Work over every org of a config file: connections resolved up front (bad input stops everything
//! before a request), then one task per org, several orgs at a time. Each org has its own OAuth
//! client and rate limit, so orgs run concurrently while requests inside one org are paced by its client.

use std::future::Future;

use futures_util::stream::{self, StreamExt};
use gcbridge_core::resolve_destinations;
use gcbridge_core::AwsClients;
use gcbridge_core::AwsPlan;
use gcbridge_core::{plan, Plan};
use gcbridge_core::{DesiredState, Destination, OrgSpec};

use crate::cli::ConnectionArgs;
use crate::connect::{self, Connection, Environment};
use crate::failure::{Failure, EXIT_USAGE};
use crate::session::Session;

/// One org with its resolved connection.
pub struct OrgTarget {
    pub spec: OrgSpec,
    pub conn: Connection,
}

/// Resolves every org's connection; all problems at once, each naming its org.
pub fn targets(args: &ConnectionArgs, desired: DesiredState) -> Result<Vec<OrgTarget>, Failure> {
    let env = Environment::load();
    let single = desired.orgs.len() == 1;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for spec in desired.orgs {
        match connect::resolve(args, Some(&spec.connection), &env) {
            Ok(conn) => out.push(OrgTarget { spec, conn }),
            Err(e) if single => return Err(e),
            Err(e) => errors.push(format!(
                "org \"{}\" ({}): {}",
                spec.name, spec.origin, e.message
            )),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Failure::usage(errors.join("\n")))
    }
}

/// Runs `work` for every target, at most `parallel` at a time; results in the targets' order.
pub async fn for_each<'a, T, F, Fut>(targets: &'a [OrgTarget], parallel: usize, work: F) -> Vec<T>
where
    F: Fn(&'a OrgTarget) -> Fut,
    Fut: Future<Output = T> + 'a,
{
    stream::iter(targets.iter().map(work))
        .buffered(parallel.max(1))
        .collect()
        .await
}

/// An org connected, its destinations expanded and its plan computed.
pub struct OrgPlanned {
    pub session: Session,
    pub plan: Plan,
    /// The AWS half of every destination that has a `[destination.aws]`.
    pub aws: Vec<AwsPart>,
}

impl OrgPlanned {
    pub fn has_changes(&self) -> bool {
        self.plan.has_changes() || self.aws.iter().any(|a| !a.plan.actions.is_empty())
    }
}

/// One destination's AWS plan, with the clients for its account and region.
pub struct AwsPart {
    pub destination: Option<Destination>,
    pub clients: AwsClients,
    pub plan: AwsPlan,
}

/// Connects, reads the catalogue and the live integrations, and plans one org (both halves).
pub async fn plan_org(
    target: &OrgTarget,
    prune: bool,
    aws_endpoint: Option<&str>,
) -> Result<OrgPlanned, Failure> {
    let session = Session::connect(&target.conn).await?;
    let catalogue = session.catalogue().await?;
    let destinations =
        resolve_destinations(&target.spec.destinations, &catalogue, &session.org.id)?;
    let live = gcbridge_core::read_live(&session.client).await?;
    let plan = plan(&destinations, &live, prune);
    let mut aws = Vec::new();
    for d in destinations.iter().filter(|d| d.aws.is_some()) {
        let clients = AwsClients::new(&d.aws_region, aws_endpoint).await;
        let aws_plan = gcbridge_core::plan_aws(&clients, d, &session.org.id)
            .await
            .map_err(|e| Failure::failed(format!("destination \"{}\" (AWS): {e}", d.name)))?;
        aws.push(AwsPart {
            destination: Some(d.clone()),
            clients,
            plan: aws_plan,
        });
    }
    Ok(OrgPlanned { session, plan, aws })
}

/// Plans `destroy` for one org: the integrations the file describes, and their AWS parts.
pub async fn plan_destroy_org(
    target: &OrgTarget,
    aws_endpoint: Option<&str>,
) -> Result<OrgPlanned, Failure> {
    let session = Session::connect(&target.conn).await?;
    let live = gcbridge_core::read_live(&session.client).await?;
    let plan = gcbridge_core::destroy_plan(&target.spec.destinations, &live);
    let mut aws = Vec::new();
    for d in &target.spec.destinations {
        let Some(spec) = &d.aws else { continue };
        let clients = AwsClients::new(&d.aws_region, aws_endpoint).await;
        let aws_plan = gcbridge_core::plan_aws_destroy(
            &clients,
            &d.source_id(),
            &d.name,
            spec,
            &session.org.id,
        )
        .await
        .map_err(|e| Failure::failed(format!("destination \"{}\" (AWS): {e}", d.name)))?;
        aws.push(AwsPart {
            destination: None,
            clients,
            plan: aws_plan,
        });
    }
    Ok(OrgPlanned { session, plan, aws })
}

/// `org "prod": <message>`, so every error names the org it concerns (when there are several).
pub fn org_error(target: &OrgTarget, many: bool, f: &Failure) -> String {
    if many || target.spec.name != gcbridge_core::config::DEFAULT_ORG_NAME {
        format!("org \"{}\": {}", target.spec.name, f.message)
    } else {
        f.message.clone()
    }
}

/// Whether any failure is bad input (exit 2) rather than a failed call.
pub fn any_usage_error<T>(results: &[Result<T, Failure>]) -> bool {
    results
        .iter()
        .any(|r| matches!(r, Err(f) if f.code == EXIT_USAGE))
}
