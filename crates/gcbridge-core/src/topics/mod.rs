//! Choosing topics: the catalogue, families, globs and their expansion.

pub mod catalogue;
pub mod families;
pub mod glob;
pub mod selector;

pub use catalogue::{Catalogue, TopicInfo};
pub use families::{families, families_help, Family};
pub use selector::{expand, Selector, SelectorError};
