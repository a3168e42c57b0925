//! Genesys permission strings (`domain:entity:action`) and the check that a client holds
//! one, including the `*` wildcards Genesys roles use.

use crate::errors::ApiError;

/// Lets a client list and read integrations, their configs and the integration types.
pub const VIEW: &str = "integrations:integration:view";
/// Lets a client create integrations.
pub const ADD: &str = "integrations:integration:add";
/// Lets a client change an integration's config or intended state.
pub const EDIT: &str = "integrations:integration:edit";
/// Lets a client delete integrations.
pub const DELETE: &str = "integrations:integration:delete";

/// Fails with 403 unless `granted` covers `permission`.
pub fn require(granted: &[String], permission: &str) -> Result<(), ApiError> {
    if holds(granted, permission) {
        Ok(())
    } else {
        Err(ApiError::missing_permission(permission))
    }
}

/// True when one of `granted` covers `required`; a granted segment `*` matches any value,
/// so `integrations:*:*` or `*:*:*` cover every integration permission.
pub fn holds(granted: &[String], required: &str) -> bool {
    granted.iter().any(|g| covers(g, required))
}

fn covers(granted: &str, required: &str) -> bool {
    let g: Vec<&str> = granted.split(':').collect();
    let r: Vec<&str> = required.split(':').collect();
    g.len() == r.len() && g.iter().zip(&r).all(|(g, r)| *g == "*" || g == r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn exact_and_wildcards() {
        assert!(holds(&s(&[VIEW]), VIEW));
        assert!(!holds(&s(&[VIEW]), ADD));
        assert!(holds(&s(&["integrations:*:*"]), DELETE));
        assert!(holds(&s(&["*:*:*"]), EDIT));
        assert!(!holds(&s(&["integrations:*"]), EDIT));
        assert!(!holds(&[], VIEW));
    }
}
