//! One authenticated conversation with one org: the client, who we are, and the org's catalogue.

use gcbridge_core::desired::ConnectionSpec;
use gcbridge_core::topics::Catalogue;
use genesys_client::{GenesysClient, Organization};

use crate::cli::ConnectionArgs;
use crate::connect::{self, Connection, Environment};
use crate::failure::Failure;

pub struct Session {
    pub client: GenesysClient,
    pub org: Organization,
    pub target: String,
}

impl Session {
    /// Connects and reads `organizations/me` (which also proves the credentials).
    pub async fn open(
        args: &ConnectionArgs,
        file: Option<&ConnectionSpec>,
    ) -> Result<Session, Failure> {
        let env = Environment::load();
        let conn = connect::resolve(args, file, &env)?;
        Session::connect(&conn).await
    }

    /// Connects with an already resolved connection.
    pub async fn connect(conn: &Connection) -> Result<Session, Failure> {
        let client = connect::client(conn)?;
        let org = client.organization_me().await?;
        tracing::info!(org = %org.name, org_id = %org.id, target = %conn.target, "connected");
        Ok(Session {
            client,
            org,
            target: conn.target.clone(),
        })
    }

    /// The org's live topic catalogue.
    pub async fn catalogue(&self) -> Result<Catalogue, Failure> {
        let topics = self.client.available_topics_brief().await?;
        Ok(Catalogue::from_live(topics.iter().map(|t| {
            (
                t.id.as_str(),
                t.description.as_deref(),
                t.transports.as_slice(),
            )
        })))
    }
}
