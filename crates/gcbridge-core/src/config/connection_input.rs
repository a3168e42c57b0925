//! Validation of the connection keys of `[genesys]` and `[[org]]`: region or api_url, URLs the
//! client would accept, environment variable names where a secret must never be written, and
//! `client_secret_from`'s AWS reference.

use super::connection::SECRET_FROM_KEY;
use super::ctx::Ctx;
use super::raw::RawConnection;
use crate::desired::ConnectionSpec;
use crate::diagnostic::Diagnostic;
use crate::secret_ref::{SecretRef, FORMS};

impl Ctx<'_> {
    pub(super) fn connection(
        &self,
        raw: &RawConnection,
        errors: &mut Vec<Diagnostic>,
    ) -> ConnectionSpec {
        if let (Some(region), Some(_)) = (&raw.region, &raw.api_url) {
            errors.push(self.diag(
                region,
                "region",
                "is given together with api_url",
                Some("use region for a real org, or api_url for the emulator or a proxy, not both".into()),
            ));
        }
        self.variable_names(raw, errors);
        for (v, key) in [
            (&raw.region, "region"),
            (&raw.api_url, "api_url"),
            (&raw.login_url, "login_url"),
        ] {
            let Some(v) = v else { continue };
            let value = v.get_ref();
            let problem = if value.trim().is_empty() {
                Some("must not be empty".to_string())
            } else if key == "region" {
                genesys_client::Region::parse(value)
                    .err()
                    .map(|e| e.to_string())
            } else {
                // The same check the client makes, here so the message names this line.
                genesys_client::Endpoint::from_api_url(value, None)
                    .err()
                    .map(|e| e.to_string())
            };
            if let Some(problem) = problem {
                let help = match key {
                    "region" => "write a Genesys Cloud region such as region = \"us-east-1\", or remove the key and use api_url",
                    _ => "write a full URL such as \"https://api.mypurecloud.com\" (plain http:// only for 127.0.0.1 or localhost), or remove the key",
                };
                errors.push(self.diag(v, key, problem, Some(help.into())));
            }
        }
        let client_secret_from = self.secret_from(raw, errors);
        ConnectionSpec {
            region: raw.region.as_ref().map(|v| v.get_ref().clone()),
            api_url: raw.api_url.as_ref().map(|v| v.get_ref().clone()),
            login_url: raw.login_url.as_ref().map(|v| v.get_ref().clone()),
            client_id_env: raw.client_id_env.as_ref().map(|v| v.get_ref().clone()),
            client_secret_env: raw.client_secret_env.as_ref().map(|v| v.get_ref().clone()),
            client_secret_from,
        }
    }

    /// `client_id_env` / `client_secret_env`: variable names, never a pasted secret.
    fn variable_names(&self, raw: &RawConnection, errors: &mut Vec<Diagnostic>) {
        for (v, key) in [
            (&raw.client_id_env, "client_id_env"),
            (&raw.client_secret_env, "client_secret_env"),
        ] {
            if let Some(v) = v {
                let name = v.get_ref();
                let valid = !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !name.starts_with(|c: char| c.is_ascii_digit());
                // A long mixed-case value is a pasted secret, not a variable name.
                let looks_secret = name.len() >= 16
                    && name.chars().any(|c| c.is_ascii_lowercase())
                    && name
                        .chars()
                        .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
                if looks_secret {
                    errors.push(self.diag(
                        v,
                        key,
                        "looks like a secret value, not the name of an environment variable",
                        Some("secrets never go in the file: put the value in an env var (e.g. PROD_GENESYS_SECRET) and write that name here; rotate the secret if this file was shared".into()),
                    ));
                } else if !valid {
                    errors.push(self.diag(
                        v,
                        key,
                        "must be the name of an environment variable (letters, digits and _), not a value",
                        Some("secrets never go in the file: put the secret in an env var and name that variable here".into()),
                    ));
                }
            }
        }
    }

    /// `client_secret_from`: one of the two AWS forms, and not together with `client_secret_env`
    /// (two places for one secret: which one is meant cannot be guessed). The value is never
    /// repeated in a message: a pasted secret must not be echoed.
    fn secret_from(&self, raw: &RawConnection, errors: &mut Vec<Diagnostic>) -> Option<SecretRef> {
        let v = raw.client_secret_from.as_ref()?;
        if raw.client_secret_env.is_some() {
            errors.push(self.diag(
                v,
                SECRET_FROM_KEY,
                "is given together with client_secret_env: give one of client_secret_env and client_secret_from",
                Some("keep client_secret_from to read the secret from AWS, or client_secret_env to read it from an environment variable, and remove the other".into()),
            ));
        }
        match SecretRef::parse(v.get_ref()) {
            Ok(r) => Some(r),
            Err(problem) => {
                errors.push(self.diag(
                    v,
                    SECRET_FROM_KEY,
                    format!("{problem} (the value is not shown in case it is a secret)"),
                    Some(format!("write {FORMS}; secrets never go in the file")),
                ));
                None
            }
        }
    }
}
