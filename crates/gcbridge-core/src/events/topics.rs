//! Naming topics for samples and schemas: templates of the bundled catalogue, with suggestions.

use super::model::model;

/// Every topic unknown to the bundled catalogue, as one message naming `what` (the flag or key)
/// with the closest templates.
pub fn check_topics(topics: &[String], what: &str) -> Result<(), String> {
    let catalogue = crate::topics::Catalogue::embedded();
    let mut problems = Vec::new();
    for t in topics.iter().filter(|t| model(t).is_none()) {
        let close = crate::closest(t, catalogue.all().map(|i| i.id.as_str()), 3);
        let hint = if close.is_empty() {
            "`gcbridge topics --all` lists them".to_string()
        } else {
            format!("did you mean {}?", crate::quoted_list(&close))
        };
        problems.push(format!(
            "{what}: \"{t}\" is not a topic template of the catalogue; {hint}"
        ));
    }
    if topics.is_empty() {
        problems.push(format!("{what}: name at least one topic template"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
