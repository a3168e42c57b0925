//! The error of a fault rule that cannot be used: which field, what is wrong, and which
//! rule of a list, so sim.toml, `--fault` and `/sim/v1/faults` all report it alike.

use std::fmt;

/// A rule that cannot be used, naming the offending field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRuleError {
    /// Position of the rule in a list, when it came from one.
    pub index: Option<usize>,
    /// The field at fault (`"rate"`, `"kind"`, `"status"`, ...).
    pub field: String,
    /// What is wrong with it, as a sentence fragment after the field name.
    pub problem: String,
}

impl FaultRuleError {
    pub(crate) fn new(field: &str, problem: impl Into<String>) -> Self {
        FaultRuleError {
            index: None,
            field: field.to_string(),
            problem: problem.into(),
        }
    }

    /// The same error, as found in rule number `index` of a list.
    pub fn at(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

impl fmt::Display for FaultRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(i) => write!(f, "invalid fault rule [{i}]: ")?,
            None => write!(f, "invalid fault rule: ")?,
        }
        write!(f, "field \"{}\" {}", self.field, self.problem)
    }
}

impl std::error::Error for FaultRuleError {}
