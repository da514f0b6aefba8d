//! The rule data model: what one rule says, as read from a rule file.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
///
/// * `Error`: the wording alone breaks a rule.
/// * `Warning`: a breach depends on facts a text scanner cannot see (price
///   history, stock, a source, an award) and needs a human to check.
/// * `Info`: a weak signal or a hygiene hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A weak signal worth a glance.
    Info,
    /// Likely a breach, depending on facts outside the text.
    Warning,
    /// The wording itself breaks a rule.
    Error,
}

impl Severity {
    /// The lowercase name used in rule files and output (`info`, `warning`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One step more serious (`Info → Warning → Error`); `Error` stays `Error`.
    pub fn raised(self) -> Severity {
        match self {
            Severity::Info => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// One step less serious (`Error → Warning → Info`); `Info` stays `Info`.
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity '{other}' (expected info, warning or error)"
            )),
        }
    }
}

macro_rules! categories {
    ($($variant:ident $name:literal $prefix:literal $doc:literal,)*) => {
        /// What kind of rule a rule is. Each category owns a three-letter ID prefix.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum Category {
            $(#[doc = $doc] $variant,)*
        }

        impl Category {
            /// Every category, in declaration order.
            pub const ALL: &'static [Category] = &[$(Category::$variant,)*];

            /// The machine name used in rule files and output (`absolute`, `price`, …).
            pub fn as_str(self) -> &'static str {
                match self { $(Category::$variant => $name,)* }
            }

            /// The three-letter prefix every rule ID of this category starts with.
            pub fn prefix(self) -> &'static str {
                match self { $(Category::$variant => $prefix,)* }
            }
        }
    };
}

categories! {
    Absolute "absolute" "ABS" "Absolute and superlative terms (广告法 Art. 9(3)).",
    Price "price" "PRC" "Price deception and unverifiable price comparisons.",
    Urgency "urgency" "URG" "False urgency, scarcity and herd pressure.",
    Prize "prize" "PRZ" "Lotteries and prize promotions (有奖销售).",
    Medical "medical" "MED" "Disease-treatment claims and medical terms for non-medical goods.",
    Health "health" "HLT" "Health-function claims for food.",
    Cosmetics "cosmetics" "COS" "Cosmetics efficacy claims.",
    Guarantee "guarantee" "GUA" "Guarantees of results or safety.",
    Data "data" "DAT" "Unverifiable sales, traffic, rating and test figures.",
    Authority "authority" "AUT" "State symbols, state organs and officials used as endorsement.",
    Disparagement "disparagement" "DSP" "Disparaging competitors.",
    Superstition "superstition" "SUP" "Superstitious efficacy claims.",
    Patent "patent" "PAT" "Patent claims that cannot be checked.",
    Education "education" "EDU" "Education and training guarantees.",
    Finance "finance" "FIN" "Investment-return promises and risk-free claims.",
    RealEstate "realestate" "EST" "Real-estate ad rules: appreciation promises, school places, travel times.",
    Aftersales "aftersales" "RET" "Refusing after-sales rights.",
    Offplatform "offplatform" "OFF" "Luring buyers off the platform.",
    Endorsement "endorsement" "END" "Endorsement rules.",
    Infant "infant" "INF" "Infant formula and breast-milk substitution.",
    Alcohol "alcohol" "ALC" "Alcohol advertising rules.",
    Tobacco "tobacco" "TOB" "Tobacco and e-cigarette promotion.",
    Agriculture "agriculture" "AGR" "Pesticides, veterinary drugs, feed and seeds.",
    Public "public" "PUB" "Public order, discrimination and minors.",
    Custom "custom" "USR" "Rules a user adds that fit no other category.",
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the span of a finding grows beyond the matched term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Extend {
    /// The span is the matched term.
    #[default]
    None,
    /// When the term stands alone as a word (最 in 最|霸道), the span takes in
    /// the following word too, so the finding shows what is claimed.
    NextWord,
}

/// Whether a term must sit on word boundaries found by the segmenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Boundary {
    /// Check terms of one or two characters only: longer phrases cannot hide
    /// inside another word.
    #[default]
    Auto,
    /// Check every match.
    Always,
    /// Never check.
    Never,
}

/// An arithmetic or fact check a rule runs on each match, reading the numbers
/// around it (see [`crate::Facts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// Read the price statement and attach its numbers; never drops a match.
    PriceFacts,
    /// Fire only when the offer is 10% of the compared price or less (an
    /// implied discount of 90% or more).
    DeepDiscount,
    /// Fire only when the offer asks more than the stated discount or
    /// reduction allows (原价200打五折只要150).
    ContradictoryPrice,
    /// Read the prize value and attach it; never drops a match.
    PrizeFacts,
    /// Fire only when a stated prize is worth more than 5万元.
    PrizeOverCap,
}

impl Check {
    /// True when the check decides whether the rule fires, rather than only
    /// attaching facts.
    pub fn filters(self) -> bool {
        matches!(
            self,
            Check::DeepDiscount | Check::ContradictoryPrice | Check::PrizeOverCap
        )
    }
}

/// What kind of product is being sold. The same words are judged differently
/// for different goods (legal.md §9): a health-function claim breaks the law
/// for ordinary food but may be the approved claim of a registered health
/// food. Set on [`crate::ScannerBuilder::profile`]; rules say how their
/// severity changes under each profile.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Ordinary goods, including ordinary food: the strictest reading.
    #[default]
    OrdinaryGoods,
    /// A registered or filed health food (保健食品).
    HealthFood,
    /// Cosmetics, including registered special cosmetics (特殊化妆品).
    Cosmetics,
    /// A drug or a medical device with an approved label.
    DrugOrDevice,
    /// Infant formula (婴幼儿配方乳粉).
    InfantFormula,
    /// Financial and investment products.
    Finance,
    /// Education and training services.
    Education,
}

impl Profile {
    /// Every profile, in declaration order.
    pub const ALL: &'static [Profile] = &[
        Profile::OrdinaryGoods,
        Profile::HealthFood,
        Profile::Cosmetics,
        Profile::DrugOrDevice,
        Profile::InfantFormula,
        Profile::Finance,
        Profile::Education,
    ];

    /// The kebab-case name used in rule files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::OrdinaryGoods => "ordinary-goods",
            Profile::HealthFood => "health-food",
            Profile::Cosmetics => "cosmetics",
            Profile::DrugOrDevice => "drug-or-device",
            Profile::InfantFormula => "infant-formula",
            Profile::Finance => "finance",
            Profile::Education => "education",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Profile::ALL.iter().map(|p| p.as_str()).collect();
                format!(
                    "unknown profile '{s}' (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// A rule's documentation, in the shape of `--explain`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDocs {
    /// What the rule catches.
    pub what: String,
    /// Why it is a problem, with the law behind it.
    pub why: String,
    /// A sentence the rule flags.
    pub example: String,
    /// What to say instead.
    pub instead: String,
    /// Caveats on the legal basis (for example, article numbers not verified
    /// against the official text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub caveat: String,
}

/// Self-test sentences that travel with a rule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTests {
    /// Each must get a finding from this rule, at the rule's own severity.
    #[serde(default)]
    pub flag: Vec<String>,
    /// Each must get a finding from this rule at `warning` (a qualified claim).
    #[serde(default)]
    pub warn: Vec<String>,
    /// Each must get a finding from this rule at `info` (quoted, negated, weak).
    #[serde(default)]
    pub info: Vec<String>,
    /// None of these may get a finding from this rule.
    #[serde(default)]
    pub pass: Vec<String>,
}

/// One rule: what to look for, when it does not apply, and what to tell the user.
///
/// Terms and patterns are written in the normalised form the scanner sees
/// (half-width ASCII, lower case); the loader normalises terms itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable ID: the category prefix and three digits (`ABS001`).
    pub id: String,
    /// Kebab-case name (`superlative-zui`).
    pub name: String,
    /// The rule's category.
    pub category: Category,
    /// Severity of an unqualified finding.
    pub severity: Severity,
    /// Literal phrases to find.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// A regular expression to find (`regex` crate syntax, on normalised text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Longer phrases containing a term that make no claim: a match inside one is dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exempt: Vec<String>,
    /// A regular expression, run near a match (up to 16 characters either
    /// side, within its sentence); a match lying inside one of its matches is
    /// dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exempt_pattern: Option<String>,
    /// Phrases that, in the same sentence, turn the claim into a qualified one
    /// (self-comparison, a dated and sourced fact…): severity becomes `qualified`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qualifiers: Vec<String>,
    /// A regular expression with the same effect as `qualifiers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier_pattern: Option<String>,
    /// Severity of a qualified finding (default `warning`).
    #[serde(default = "default_qualified")]
    pub qualified: Severity,
    /// How the span grows beyond the term.
    #[serde(default)]
    pub extend: Extend,
    /// Whether matches must sit on word boundaries.
    #[serde(default)]
    pub boundary: Boundary,
    /// An arithmetic or fact check run on each match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// Severity under a product profile other than ordinary goods, where it
    /// differs (`health-food = "info"`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub profiles: std::collections::BTreeMap<Profile, Severity>,
    /// Whether a match seen only through a homophone or pinyin is one
    /// severity step lower (`lower`, the default) or keeps the rule's (`keep`).
    #[serde(default, skip_serializing_if = "EvasionSeverity::is_default")]
    pub evasion_severity: EvasionSeverity,
    /// The finding's message; `{matched}` is replaced by the matched text.
    pub message: String,
    /// A compliant rewording.
    pub suggestion: String,
    /// The legal basis (law, article, item).
    pub basis: String,
    /// Documentation for `--explain`.
    pub docs: RuleDocs,
    /// Self-test sentences.
    #[serde(default)]
    pub tests: RuleTests,
}

/// What a homophone or pinyin spelling does to a finding's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvasionSeverity {
    /// One step lower: a homophone or a pinyin word may be innocent.
    #[default]
    Lower,
    /// The rule's own severity: the form is as clear as the term.
    Keep,
}

impl EvasionSeverity {
    fn is_default(&self) -> bool {
        *self == EvasionSeverity::Lower
    }
}

fn default_qualified() -> Severity {
    Severity::Warning
}

impl Rule {
    /// The rule's documentation as Markdown, in the shape of `--explain`.
    pub fn explain(&self) -> String {
        let mut out = format!(
            "# {} ({})\n\nCategory: {} · Severity: {}\n\nLegal basis: {}\n\n## What it does\n{}\n\n## Why is this bad?\n{}\n\n## Example\n{}\n\n## Use instead\n{}\n",
            self.id,
            self.name,
            self.category,
            self.severity,
            self.basis,
            self.docs.what.trim(),
            self.docs.why.trim(),
            self.docs.example.trim(),
            self.docs.instead.trim(),
        );
        if !self.profiles.is_empty() {
            out.push_str("\n## Severity by product profile\n");
            for (profile, severity) in &self.profiles {
                out.push_str(&format!("- {profile}: {severity}\n"));
            }
        }
        if !self.docs.caveat.trim().is_empty() {
            out.push_str(&format!("\n## Caveat\n{}\n", self.docs.caveat.trim()));
        }
        out
    }
}

/// Phrases that make no claim for any rule of one category (最近 is no
/// superlative), declared once in a rule file as `[[exemptions]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryExemptions {
    /// The category the phrases exempt.
    pub category: Category,
    /// Why these phrases are exempt (shown in docs).
    #[serde(default)]
    pub why: String,
    /// The phrases.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Regular expressions with the same effect, run near a match like `exempt_pattern`.
    #[serde(default)]
    pub patterns: Vec<String>,
}
