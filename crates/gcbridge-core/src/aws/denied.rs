//! A refusal for want of a permission, named by its IAM action: AWS's message says
//! "User: ARN is not authorized to perform: events:ListRules on resource: ..." when it names it
//! (most services do), else the action is the one gcbridge was calling (every call site names
//! its action first in its error context: `events:ListRules on BUS`). Only the codes of a
//! refused authorization count; a throttle, a 5xx or bad credentials never read as one.

/// The error codes of an authorization refusal (as opposed to bad or expired credentials).
const REFUSALS: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "AuthorizationErrorException",
];

/// The permission a refusal names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingPermission {
    /// The IAM action, service prefix in lower case (`sns:GetTopicAttributes`).
    pub action: String,
    /// The refused identity's ARN, when AWS's message names it.
    pub caller: Option<String>,
}

impl MissingPermission {
    /// What to do: add the action, and where the whole policy comes from.
    pub fn fix(&self) -> String {
        let whose = match &self.caller {
            Some(arn) => format!("the policy of {arn}"),
            None => "the policy of the AWS identity gcbridge runs as".into(),
        };
        format!(
            "add {} to {whose} -- `gcbridge iam-policy -f FILE` prints the whole policy",
            self.action
        )
    }
}

/// The permission `code` / `message` refuse, `what` being the call's context (`events:PutRule
/// NAME`); `None` when it is no authorization refusal or names no action.
pub fn missing_permission(
    code: Option<&str>,
    message: &str,
    what: &str,
) -> Option<MissingPermission> {
    let said = message.contains("not authorized to perform");
    if !said && !code.is_some_and(|c| REFUSALS.contains(&c)) {
        return None;
    }
    let action = named_action(message).or_else(|| calling(what))?;
    Some(MissingPermission {
        action,
        caller: caller(message),
    })
}

/// `events:ListRules` from "... not authorized to perform: events:ListRules on resource: ...".
fn named_action(message: &str) -> Option<String> {
    let rest = message.split("not authorized to perform: ").nth(1)?;
    let token = rest.split_whitespace().next()?;
    normalize(token.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()))
}

/// The action a call site named first in its context: `sqs:CreateQueue gcbridge-tmp-...`.
fn calling(what: &str) -> Option<String> {
    normalize(what.split_whitespace().next()?)
}

/// `service:Action` with the service in lower case (IAM's own spelling; SNS says `SNS:`).
fn normalize(token: &str) -> Option<String> {
    let (service, action) = token.split_once(':')?;
    let ok = !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && action.starts_with(|c: char| c.is_ascii_uppercase())
        && action.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| format!("{}:{action}", service.to_ascii_lowercase()))
}

/// The ARN after "User: " in AWS's message.
fn caller(message: &str) -> Option<String> {
    let rest = message.split("User: ").nth(1)?;
    let arn = rest.split_whitespace().next()?;
    arn.starts_with("arn:").then(|| arn.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_action_comes_from_the_message_else_from_the_call() {
        let m = "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: \
                 events:ListRules on resource: arn:aws:events:us-east-1:123456789012:rule/* \
                 because no identity-based policy allows the events:ListRules action";
        let p =
            missing_permission(Some("AccessDeniedException"), m, "events:ListRules on b").unwrap();
        assert_eq!(p.action, "events:ListRules");
        assert_eq!(
            p.caller.as_deref(),
            Some("arn:aws:iam::123456789012:user/ci")
        );
        assert!(p.fix().starts_with(
            "add events:ListRules to the policy of arn:aws:iam::123456789012:user/ci -- `gcbridge iam-policy -f FILE`"
        ));
        // SNS spells its prefix in capitals; IAM reads actions case-insensitively.
        let sns = "User: arn:aws:iam::1:user/u is not authorized to perform: SNS:GetTopicAttributes on resource: t";
        let p = missing_permission(Some("AuthorizationError"), sns, "sns:GetTopicAttributes t")
            .unwrap();
        assert_eq!(p.action, "sns:GetTopicAttributes");
        // No action in the message: the call's own.
        let p =
            missing_permission(Some("AccessDenied"), "Access Denied", "sqs:CreateQueue q").unwrap();
        assert_eq!((p.action.as_str(), p.caller), ("sqs:CreateQueue", None));
    }

    #[test]
    fn throttles_and_bad_credentials_are_no_missing_permission() {
        for code in [
            "ThrottlingException",
            "InvalidClientTokenId",
            "ExpiredToken",
            "SignatureDoesNotMatch",
        ] {
            assert_eq!(
                missing_permission(Some(code), "Rate exceeded", "events:ListRules b"),
                None
            );
        }
        assert_eq!(missing_permission(None, "boom", "events:ListRules b"), None);
    }
}
