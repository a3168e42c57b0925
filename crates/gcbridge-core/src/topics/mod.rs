//! Choosing topics: the catalogue, families, globs and their expansion.

pub(crate) mod catalogue;
mod families;
pub mod glob;
mod selector;

pub use catalogue::{Catalogue, TopicInfo};
pub use families::{families_help, Family};
pub use selector::{expand, Selector, SelectorError};
