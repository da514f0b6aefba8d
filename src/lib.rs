#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod amount;
mod context;
mod decode;
mod engine;
mod error;
mod evasion;
mod facts;
mod finding;
mod normalize;
mod reader;
mod rule;
mod ruleset;
mod scanner;
mod segment;
mod selftest;
mod stream;
mod transcript;

pub use decode::{decode, TextEncoding};
pub use error::{Error, Result};
pub use evasion::{EvasionForms, EvasionKind, LatinForms, VariantForm, VariantSource};
pub use facts::{Facts, Money, PriceFacts, PrizeFacts, Share, PRIZE_CAP};
pub use finding::{Finding, Span};
#[doc(hidden)]
pub use normalize::shadow_map;
pub use reader::{ReadFinding, ReadSummary};
pub use rule::{
    Boundary, Category, CategoryExemptions, Check, EvasionSeverity, Extend, Profile, Rule,
    RuleDocs, RuleTests, Severity,
};
pub use ruleset::RuleSet;
pub use scanner::{Scanner, ScannerBuilder};
pub use selftest::{check_examples, ExampleFailure};
pub use stream::{StreamEvent, StreamFinding, StreamScanner};
pub use transcript::{Cue, Transcript, TranscriptFinding, TranscriptFormat, TranscriptWarning};

/// Loads the shared segmenter's dictionary and part-of-speech model now
/// rather than inside the first scan that needs them (about 100 ms and
/// 60 ms, once per process).
pub fn warm_up() {
    segment::warm_up();
}
