//! Naming topics for samples, schemas and rule expectations: templates of the bundled catalogue,
//! with suggestions.

use super::model::model;

/// Every topic unknown to the bundled catalogue, as one message naming `what` (the flag or key)
/// with the closest templates.
pub fn check_topics(topics: &[String], what: &str) -> Result<(), String> {
    let mut problems = Vec::new();
    for t in topics {
        if let Err(hint) = check_topic(t) {
            problems.push(format!(
                "{what}: \"{t}\" is not a topic template of the catalogue; {hint}"
            ));
        }
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

/// Whether `topic` is a template of the bundled catalogue; if not, the fix: the closest
/// templates, or where to find them.
pub fn check_topic(topic: &str) -> Result<(), String> {
    if model(topic).is_some() {
        return Ok(());
    }
    let catalogue = crate::topics::Catalogue::embedded();
    let close = crate::closest(topic, catalogue.all().map(|i| i.id.as_str()), 3);
    Err(if close.is_empty() {
        "`gcbridge topics --all` lists them".to_string()
    } else {
        format!("did you mean {}?", crate::quoted_list(&close))
    })
}
