//! OAuth clients and bearer tokens: who may get a token (client id + secret from the
//! config), the opaque tokens issued by the client-credentials grant, their expiry and
//! revocation. A token carries its org, which is how one server hosts several orgs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::Rng;

/// The authenticated caller of an API request.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub org_id: String,
    pub client_id: String,
    pub permissions: Arc<Vec<String>>,
}

#[derive(Debug)]
struct Client {
    org_id: String,
    secret: String,
    permissions: Arc<Vec<String>>,
}

/// The clients of every org, by client id (ids are unique across orgs).
#[derive(Debug)]
pub struct Directory {
    clients: HashMap<String, Client>,
}

/// One client as the directory learns it (from the config's orgs).
pub struct Grant<'a> {
    pub org_id: &'a str,
    pub client_id: &'a str,
    pub secret: &'a str,
    pub permissions: &'a [String],
}

impl Directory {
    pub fn new<'a>(grants: impl IntoIterator<Item = Grant<'a>>) -> Self {
        let clients = grants
            .into_iter()
            .map(|g| {
                let client = Client {
                    org_id: g.org_id.to_string(),
                    secret: g.secret.to_string(),
                    permissions: Arc::new(g.permissions.to_vec()),
                };
                (g.client_id.to_string(), client)
            })
            .collect();
        Directory { clients }
    }

    /// The caller a client id and secret identify, if they match.
    pub fn authenticate(&self, client_id: &str, secret: &str) -> Option<Caller> {
        let c = self.clients.get(client_id)?;
        (constant_time_eq(c.secret.as_bytes(), secret.as_bytes())).then(|| Caller {
            org_id: c.org_id.clone(),
            client_id: client_id.to_string(),
            permissions: c.permissions.clone(),
        })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

struct Issued {
    caller: Caller,
    expires_at: Instant,
}

/// Issued tokens. Expired ones are dropped whenever a new token is issued, so the map
/// stays bounded by the tokens alive at one time.
#[derive(Default)]
pub struct TokenStore {
    tokens: HashMap<String, Issued>,
}

impl TokenStore {
    /// Issues a fresh opaque token for `caller`.
    pub fn issue(&mut self, caller: Caller, ttl: Duration, now: Instant) -> String {
        self.tokens.retain(|_, t| t.expires_at > now);
        let mut bytes = [0u8; 32];
        rand::rng().fill(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        self.tokens.insert(
            token.clone(),
            Issued {
                caller,
                expires_at: now + ttl,
            },
        );
        token
    }

    /// The caller a live token belongs to.
    pub fn resolve(&self, token: &str, now: Instant) -> Option<Caller> {
        self.tokens
            .get(token)
            .filter(|t| t.expires_at > now)
            .map(|t| t.caller.clone())
    }

    /// Revokes one token; false when it was not issued (or already gone).
    pub fn revoke(&mut self, token: &str) -> bool {
        self.tokens.remove(token).is_some()
    }

    /// Revokes every token.
    pub fn revoke_all(&mut self) -> usize {
        let n = self.tokens.len();
        self.tokens.clear();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN_CLIENT_ID: &str = "admin";
    const DEFAULT_ORG_ID: &str = "org";
    const DEFAULT_SECRET: &str = "secret";

    #[test]
    fn authenticate_issue_expire_revoke() {
        let d = Directory::new([Grant {
            org_id: DEFAULT_ORG_ID,
            client_id: ADMIN_CLIENT_ID,
            secret: DEFAULT_SECRET,
            permissions: &[],
        }]);
        assert!(d.authenticate(ADMIN_CLIENT_ID, "wrong").is_none());
        assert!(d.authenticate("nobody-at-all", DEFAULT_SECRET).is_none());
        let caller = d.authenticate(ADMIN_CLIENT_ID, DEFAULT_SECRET).unwrap();
        assert_eq!(caller.org_id, DEFAULT_ORG_ID);
        let mut s = TokenStore::default();
        let now = Instant::now();
        let t = s.issue(caller.clone(), Duration::from_secs(10), now);
        let t2 = s.issue(caller.clone(), Duration::from_secs(10), now);
        assert_ne!(t, t2);
        assert_eq!(s.resolve(&t, now), Some(caller));
        assert!(s.resolve(&t, now + Duration::from_secs(10)).is_none());
        assert!(s.resolve("nope", now).is_none());
        assert_eq!(s.revoke_all(), 2);
        assert!(s.resolve(&t2, now).is_none());
    }
}
