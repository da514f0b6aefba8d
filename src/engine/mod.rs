//! Candidate finders: one aho-corasick pass for every literal phrase, one
//! regex-set pass for every pattern.

pub(crate) mod dict;
pub(crate) mod pattern;
