//! Planning one org, both halves: the live integrations read once, the Genesys plan computed from
//! them, then every destination with a `[destination.aws]` read from its account.

use genesys_client::GenesysClient;

use super::{AwsPart, ConvergeError, ConvergeOptions, Desired, Mode, OrgPlan};
use crate::aws::{plan_aws, plan_aws_destroy, AwsClients, AwsError};
use crate::genesys::{destroy_plan, plan, read_live};

/// Reads the org and the AWS accounts its destinations name, and plans the difference.
pub async fn plan_org(
    client: &GenesysClient,
    org_id: &str,
    desired: Desired<'_>,
    options: &ConvergeOptions,
) -> Result<OrgPlan, ConvergeError> {
    let live = read_live(client).await?;
    let endpoint = options.aws_endpoint.as_deref();
    let mut aws = Vec::new();
    let (mode, genesys) = match desired {
        Desired::Converge(destinations) => {
            for d in destinations.iter().filter(|d| d.aws.is_some()) {
                let clients = AwsClients::new(&d.aws_region, endpoint).await;
                let plan = plan_aws(&clients, d, org_id)
                    .await
                    .map_err(|e| aws_error(&d.name, e))?;
                aws.push(AwsPart {
                    destination: Some(d.clone()),
                    clients,
                    plan,
                });
            }
            (Mode::Converge, plan(destinations, &live, options.prune))
        }
        Desired::Destroy(specs) => {
            for d in specs {
                let Some(spec) = &d.aws else { continue };
                let clients = AwsClients::new(&d.aws_region, endpoint).await;
                let plan = plan_aws_destroy(&clients, &d.source_id(), &d.name, spec, org_id)
                    .await
                    .map_err(|e| aws_error(&d.name, e))?;
                aws.push(AwsPart {
                    destination: None,
                    clients,
                    plan,
                });
            }
            (Mode::Destroy, destroy_plan(specs, &live))
        }
    };
    Ok(OrgPlan { mode, genesys, aws })
}

fn aws_error(destination: &str, source: AwsError) -> ConvergeError {
    ConvergeError::Aws {
        destination: destination.to_string(),
        source,
    }
}
