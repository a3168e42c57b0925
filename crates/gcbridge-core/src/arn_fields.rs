//! The one ARN splitter. A leaf module (no crate imports) because both halves read ARNs: the
//! AWS planner and policy checks, and the secret reader that `desired` loads, which must not
//! depend on `aws`.

/// An ARN's five fields after `arn:`: partition, service, region, account and resource (which
/// keeps any further `:`); `None` when the text is not `arn:` and five fields. Partner ARNs and
/// target ARNs are split alike; what each field must hold is the caller's to check.
pub(crate) fn arn_fields(arn: &str) -> Option<[&str; 5]> {
    let mut fields = arn.strip_prefix("arn:")?.splitn(5, ':');
    Some([
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    ])
}

#[cfg(test)]
mod tests {
    use super::arn_fields;

    #[test]
    fn the_resource_keeps_its_colons_and_a_short_or_unprefixed_text_is_none() {
        assert_eq!(
            arn_fields("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/x:*"),
            Some([
                "aws",
                "logs",
                "eu-west-1",
                "123456789012",
                "log-group:/aws/events/x:*"
            ])
        );
        assert_eq!(arn_fields("arn:aws:sqs:eu-west-1:123456789012"), None);
        assert_eq!(arn_fields("aws:sqs:eu-west-1:123456789012:q"), None);
    }
}
