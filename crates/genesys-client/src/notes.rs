//! Integration notes as the real API returns them: empty notes come back as a sentinel string.

/// What the real API returns for empty config notes (the Genesys Terraform provider maps it to
/// empty in its integration and integration_config resources, with a unit test). Read it as no
/// notes.
pub const EMPTY_NOTES_SENTINEL: &str = "node_dynamodb_empty_string";

/// Notes as a user means them: `None` when absent, empty or the [`EMPTY_NOTES_SENTINEL`].
pub fn notes_text(notes: Option<&str>) -> Option<&str> {
    notes.filter(|n| !n.is_empty() && *n != EMPTY_NOTES_SENTINEL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentinel_and_empty_are_no_notes() {
        assert_eq!(notes_text(Some(EMPTY_NOTES_SENTINEL)), None);
        assert_eq!(notes_text(Some("")), None);
        assert_eq!(notes_text(None), None);
        assert_eq!(notes_text(Some("n")), Some("n"));
    }
}
