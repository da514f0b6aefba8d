//! Errors raised while loading rules or reading transcripts. Scanning itself
//! never fails.

use std::path::PathBuf;

/// Everything that can go wrong while reading, parsing or validating rule
/// files and transcripts.
///
/// Each variant names where the problem is: the file (`origin`), the line
/// where the parser or the validator could place it, and for rules the rule ID.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid UTF-8 (a transcript: nor valid GB18030).
    #[error("{origin}: not valid UTF-8 at byte {byte_offset}")]
    Utf8 {
        /// The file.
        origin: String,
        /// Byte offset of the first invalid sequence.
        byte_offset: usize,
    },
    /// A rule file is not valid TOML or has keys the format does not know.
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        /// The rule file.
        origin: String,
        /// 1-based line of the problem (0 when the parser gave no position).
        line: usize,
        /// 1-based column of the problem (0 when unknown).
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A rule parsed but breaks a rule-file convention (bad ID, empty rule, bad regex…).
    #[error("{origin}:{line}: rule {rule}: {message}")]
    InvalidRule {
        /// The rule file.
        origin: String,
        /// 1-based line where the rule starts (0 when unknown).
        line: usize,
        /// The rule's ID as written (or `?` when missing).
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// Two rules share one ID.
    #[error(
        "{origin}:{line}: rule {rule}: duplicate ID, first defined at {first_origin}:{first_line}"
    )]
    DuplicateId {
        /// The file holding the second definition.
        origin: String,
        /// 1-based line of the second definition.
        line: usize,
        /// The duplicated ID.
        rule: String,
        /// The file holding the first definition.
        first_origin: String,
        /// 1-based line of the first definition.
        first_line: usize,
    },
    /// A file with a byte-order mark does not decode in that encoding.
    #[error("{origin}: {message}")]
    Decode {
        /// The file.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// An entry of an evasion-forms table is malformed.
    #[error("{origin}:{line}: form '{form}': {message}")]
    InvalidForm {
        /// The table file.
        origin: String,
        /// 1-based line of the entry.
        line: usize,
        /// The form (or the term it means) of the bad entry.
        form: String,
        /// What is wrong.
        message: String,
    },
    /// A transcript has a malformed cue, timestamp or segment.
    #[error("{origin}:{line}: {message}")]
    Transcript {
        /// The transcript file.
        origin: String,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A scanner option names a rule ID or prefix that no loaded rule has.
    #[error("no rule matches '{selector}'")]
    UnknownSelector {
        /// The ID or prefix given to `select` or `ignore`.
        selector: String,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
