//! Reading the OAuth client secret from AWS (`client_secret_from`): Secrets Manager's
//! GetSecretValue or SSM's GetParameter (WithDecryption), with the standard credential chain.
//!
//! The region is the ARN's when the reference is an ARN, else the AWS configuration's
//! (`AWS_REGION`, the profile); `--aws-endpoint` / `AWS_ENDPOINT_URL` point it elsewhere (moto).
//! The value goes straight into a `Secret` (which prints `[redacted]`); every message names the
//! reference, the region and, when refused, the permission, never the value.

use aws_sdk_secretsmanager::config::http::HttpResponse;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use genesys_client::{CredentialSource, Credentials, Secret};

use super::value::pick;
use crate::aws::{is_unreachable, sdk_client, AwsError, SharedConfig};
use crate::config::OrgCredentials;
use crate::secret_ref::SecretRef;

/// Why the secret could not be read. `usage` is true when no request was sent (no region):
/// bad input, exit 2; otherwise the read failed, exit 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SecretError {
    pub message: String,
    pub usage: bool,
}

impl SecretError {
    fn failed(message: impl Into<String>) -> SecretError {
        SecretError {
            message: message.into(),
            usage: false,
        }
    }
}

/// The org's credentials, reading the secret from AWS when the file says it is kept there.
/// Called when the org is first used, once per org: a run that never reaches an org never reads
/// its secret, and a fleet's orgs read theirs side by side, each in its own task.
pub async fn org_credentials(
    credentials: &OrgCredentials,
    aws_endpoint: Option<&str>,
) -> Result<Credentials, SecretError> {
    match credentials {
        OrgCredentials::Known(c) => Ok(c.clone()),
        OrgCredentials::InAws {
            client_id,
            id_source,
            secret,
        } => Ok(Credentials {
            client_id: client_id.clone(),
            client_secret: read_secret(secret, aws_endpoint).await?,
            source: CredentialSource::Config(format!("{id_source} / {secret}")),
        }),
    }
}

/// Reads one secret from AWS.
pub async fn read_secret(r: &SecretRef, aws_endpoint: Option<&str>) -> Result<Secret, SecretError> {
    // The same configuration as every other AWS client (retries, loopback refusal), in the
    // ARN's region when the reference carries one.
    let shared = SharedConfig::load(r.region(), aws_endpoint).await;
    let Some(region) = shared.region() else {
        return Err(SecretError {
            message: format!(
                "client_secret_from = \"{r}\": no AWS region to read it in: set AWS_REGION (or the \
                 profile's region), or write the secret's full ARN, which carries its region"
            ),
            usage: true,
        });
    };
    let at = Place {
        r,
        region: &region,
        endpoint: shared.endpoint.clone(),
    };
    tracing::debug!(secret = %r, region = %region, "reading the OAuth client secret from AWS");
    let (text, plain_parameter) = match r {
        SecretRef::SecretsManager { id, .. } => {
            let client = sdk_client!(aws_sdk_secretsmanager, shared);
            let out = client
                .get_secret_value()
                .secret_id(id)
                .send()
                .await
                .map_err(|e| at.error(e))?;
            match out.secret_string {
                Some(text) => (text, false),
                None => return Err(SecretError::failed(format!(
                    "the secret {r} (region {region}) holds binary data (SecretBinary), not a string: store the OAuth client secret as its SecretString"
                ))),
            }
        }
        SecretRef::Ssm { name } => {
            let client = sdk_client!(aws_sdk_ssm, shared);
            let out = client
                .get_parameter()
                .name(name)
                .with_decryption(true)
                .send()
                .await
                .map_err(|e| at.error(e))?;
            let Some(parameter) = out.parameter else {
                return Err(SecretError::failed(format!(
                    "ssm:GetParameter returned no parameter for {r} (region {region})"
                )));
            };
            let plain = parameter.r#type != Some(aws_sdk_ssm::types::ParameterType::SecureString);
            (parameter.value.unwrap_or_default(), plain)
        }
    };
    if plain_parameter {
        tracing::warn!(
            "the parameter {r} is not a SecureString: anyone who may read the parameter store \
             can read the OAuth client secret; store it as a SecureString"
        );
    }
    pick(r, text).map_err(|problem| {
        SecretError::failed(format!("the secret {r} (region {region}) {problem}"))
    })
}

/// The reference and where it was looked for, for messages.
struct Place<'a> {
    r: &'a SecretRef,
    region: &'a str,
    endpoint: String,
}

impl Place<'_> {
    /// A failed read as a message naming the secret: not found names the region; refused names
    /// the permission (and KMS's, which a SecureString or a customer-managed key also needs).
    fn error<E>(&self, e: aws_sdk_secretsmanager::error::SdkError<E, HttpResponse>) -> SecretError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (r, region) = (self.r, self.region);
        let call = match r {
            SecretRef::SecretsManager { .. } => "secretsmanager:GetSecretValue",
            SecretRef::Ssm { .. } => "ssm:GetParameter",
        };
        if is_unreachable(&e) {
            return SecretError::failed(format!(
                "reading the OAuth client secret {r}: {}",
                AwsError::unreachable(call, &self.endpoint, e)
            ));
        }
        let (what, id) = match r {
            SecretRef::SecretsManager { id, .. } => ("Secrets Manager secret", id),
            SecretRef::Ssm { name } => ("SSM parameter", name),
        };
        let code = e.code().unwrap_or_default().to_string();
        let detail = e.message().unwrap_or_default().to_string();
        let message = match code.as_str() {
            "ResourceNotFoundException" | "ParameterNotFound" => format!(
                "the OAuth client secret {r} cannot be read: there is no {what} \"{id}\" in region \
                 {region} (AWS endpoint {}); check the name and the region (the ARN's, else \
                 AWS_REGION or the profile's region)",
                self.endpoint
            ),
            "AccessDeniedException" | "AccessDenied" => format!(
                "the OAuth client secret {r} (region {region}) cannot be read: access denied; the \
                 AWS identity needs {} on it, and kms:Decrypt on the KMS key that encrypts it \
                 when that is a customer managed key{} -- `gcbridge iam-policy -f FILE` prints the \
                 whole policy gcbridge needs",
                r.permission(),
                aws_says(&detail)
            ),
            "DecryptionFailure" | "InvalidKeyId" | "KMSAccessDeniedException" => format!(
                "the OAuth client secret {r} (region {region}) cannot be decrypted: the AWS \
                 identity needs kms:Decrypt on the KMS key that encrypts it{}",
                aws_says(&detail)
            ),
            _ => format!(
                "reading the OAuth client secret {r} (region {region}) failed: {}",
                AwsError::from_sdk(call, e)
            ),
        };
        SecretError::failed(message)
    }
}

fn aws_says(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" (AWS says: {detail})")
    }
}
