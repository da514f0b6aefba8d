//! Candidate finders: one pass for every literal phrase, and each pattern
//! run where its literals occur.

pub(crate) mod confirm;
pub(crate) mod dict;
mod ends;
pub(crate) mod neighbours;
pub(crate) mod pair_index;
pub(crate) mod pattern;
