//! One authenticated conversation with one org: the client, who we are, and the org's catalogue.

use gcbridge_core::doctor::{self, DiagnoseOptions, IntegrationReport};
use gcbridge_core::topics::Catalogue;
use gcbridge_core::LiveIntegration;
use gcbridge_core::{ConnectionSpec, OrgSpec};
use genesys_client::{GenesysClient, Organization};

use crate::cli::{GlobalArgs, OrgSelect};
use crate::connect::{self, Connection, Environment};
use crate::escape::field;
use crate::failure::Failure;

pub struct Session {
    pub client: GenesysClient,
    pub org: Organization,
    pub target: String,
}

impl Session {
    /// Connects and reads `organizations/me` (which also proves the credentials).
    pub async fn open(
        global: &GlobalArgs,
        file: Option<&ConnectionSpec>,
    ) -> Result<Session, Failure> {
        let env = Environment::load();
        let conn = connect::resolve(&global.conn.flags(), file, &env)?;
        Session::connect(&conn, global.aws_endpoint.as_deref()).await
    }

    /// Connects to the org chosen by `-f FILE [--org NAME]`, or by flags and env without a file.
    pub async fn open_selected(
        global: &GlobalArgs,
        select: &OrgSelect,
    ) -> Result<Session, Failure> {
        let spec = selected_connection(select)?;
        Session::open(global, spec.as_ref()).await
    }

    /// Connects with an already resolved connection (`aws_endpoint`: `--aws-endpoint`, for a
    /// secret kept in AWS).
    pub async fn connect(
        conn: &Connection,
        aws_endpoint: Option<&str>,
    ) -> Result<Session, Failure> {
        let client = connect::client(conn, aws_endpoint).await?;
        let org = client.organization_me().await?;
        Ok(Session::connected(client, org, conn))
    }

    /// The session of a client whose `organizations/me` was read (with other reads, maybe).
    pub fn connected(client: GenesysClient, org: Organization, conn: &Connection) -> Session {
        tracing::info!(
            org = %field(&org.name),
            org_id = %field(&org.id),
            target = %conn.target,
            "connected"
        );
        Session {
            client,
            org,
            target: conn.target.clone(),
        }
    }

    /// How long the current token stays valid, in whole seconds (0 once it has expired).
    pub async fn token_valid_secs(&self) -> Result<u64, Failure> {
        Ok(gcbridge_core::token_lifetime(&self.client).await?.1)
    }

    /// The org's live topic catalogue.
    pub async fn catalogue(&self) -> Result<Catalogue, Failure> {
        catalogue_of(&self.client).await
    }

    /// Core's doctor chain on this org (the catalogue is read only if a check needs it).
    pub async fn diagnose(
        &self,
        options: &DiagnoseOptions,
    ) -> Result<Vec<IntegrationReport>, Failure> {
        doctor::diagnose(
            &self.client,
            &self.org,
            &self.target,
            self.catalogue(),
            options,
        )
        .await
    }
}

/// The live topic catalogue of the client's org.
pub async fn catalogue_of(client: &GenesysClient) -> Result<Catalogue, Failure> {
    let topics = client.available_topics_brief().await?;
    Ok(Catalogue::from_live(topics.iter().map(|t| {
        (
            t.id.as_str(),
            t.description.as_deref(),
            t.transports.as_slice(),
        )
    })))
}

/// The connection of the org `-f FILE [--org NAME]` names; `None` without a file.
pub fn selected_connection(select: &OrgSelect) -> Result<Option<ConnectionSpec>, Failure> {
    Ok(selected_org(select)?.map(|o| o.connection))
}

/// The org `-f FILE [--org NAME]` names, as the file describes it; `None` without a file.
pub fn selected_org(select: &OrgSelect) -> Result<Option<OrgSpec>, Failure> {
    let Some(path) = &select.file else {
        return Ok(None);
    };
    let mut desired = gcbridge_core::config::load_file(path)?;
    let names: Vec<&str> = desired.orgs.iter().map(|o| o.name.as_str()).collect();
    let org = match &select.org {
        Some(name) => desired
            .orgs
            .iter()
            .find(|o| &o.name == name)
            .ok_or_else(|| {
                Failure::usage(format!(
                    "--org: no org \"{name}\" in {}; it has: {}",
                    path.display(),
                    names.join(", ")
                ))
            })?,
        None if desired.orgs.len() == 1 => &desired.orgs[0],
        None => {
            return Err(Failure::usage(format!(
                "{} has {} orgs: choose one with --org ({})",
                path.display(),
                names.len(),
                names.join(", ")
            )))
        }
    };
    let at = desired
        .orgs
        .iter()
        .position(|o| o.name == org.name)
        .unwrap_or(0);
    Ok(Some(desired.orgs.swap_remove(at)))
}

/// "No EventBridge integration named X", listing the names the org does have.
pub fn no_integration_named(name: &str, org_name: &str, live: &[LiveIntegration]) -> Failure {
    let names: Vec<String> = live.iter().map(|l| field(&l.name).into_owned()).collect();
    let (name, org_name) = (field(name), field(org_name));
    Failure::failed(format!(
        "no EventBridge integration named \"{name}\" in org {org_name}; {}",
        if names.is_empty() {
            "it has none".to_string()
        } else {
            format!("it has: {}", names.join(", "))
        }
    ))
    .with_kind("not_found")
}
