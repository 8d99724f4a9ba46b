//! Validation errors name the field they are about, so that importers, forms and the API
//! can all point the user at the exact value that is wrong. What is wrong is a [`Reason`],
//! not a sentence: its `Display` is the English that the API, the CLI and importers print,
//! and the web layer words each reason in the page's language.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub field: &'static str,
    pub reason: Reason,
}

impl ValidationError {
    pub fn new(field: &'static str, reason: Reason) -> Self {
        Self { field, reason }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for ValidationError {}

/// Why a value is refused. Values the user gave are quoted back, so that a long form or a
/// file says which entry was meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Empty,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    ControlCharacters,
    /// Percent-encoded bytes that are not UTF-8 text.
    NotUtf8,
    /// Characters that reorder the text around them (right-to-left override and the like).
    DirectionControls,
    NotOneLine,
    NoLetterOrDigit,
    /// A list value that would be split at its comma.
    Comma {
        value: String,
    },
    NotWebAddress {
        value: String,
    },
    /// The value is quoted when it is not the user's own sign-in address.
    NotEmailAddress {
        value: Option<String>,
    },
    FewDistinctCharacters,
    WellKnownPassword,
    ContainsEmailAddress,
    Negative,
    /// Outside `min..=max`.
    OutOfRange {
        min: i64,
        max: i64,
    },
    NotWholeNumberInRange {
        min: i64,
        max: i64,
    },
    NotWholeNumber {
        value: String,
    },
    /// Minutes off a grid, e.g. a booking length that is not a whole number of slots.
    NotMultipleOf {
        step: u32,
    },
    NotDate {
        value: String,
    },
    /// Not a local date and time (`2027-03-01 14:00`).
    NotDateTime {
        value: String,
    },
    /// Not a time zone of the IANA database.
    NotTimeZone {
        value: String,
    },
    /// Not an amount in whole euro (`1500000` or `1500000.00`).
    NotWholeEuros {
        value: String,
    },
    /// More than the field it must not exceed, e.g. a minimum budget above the maximum.
    MoreThan {
        other: &'static str,
    },
    /// The same, with both values.
    ValueMoreThan {
        value: i64,
        other: &'static str,
        limit: i64,
    },
    After {
        other: &'static str,
    },
    NotChronological,
    CoordinatesApart,
    TooManySectors {
        max: usize,
    },
    NotOneOf {
        value: String,
        allowed: String,
    },
    NotEither {
        value: String,
        first: &'static str,
        second: &'static str,
    },
    /// Neither of two fixed choices, when the value itself is not worth repeating.
    NeitherOf {
        first: &'static str,
        second: &'static str,
    },
    GiveOneOf {
        choices: &'static str,
    },
    GiveOnlyOneOf {
        choices: &'static str,
    },
    NotTopicId {
        value: String,
    },
    NotRorId {
        value: String,
    },
    RorChecksum {
        value: String,
    },
    NotKvkNumber {
        value: String,
    },
    NotLei {
        value: String,
    },
    NotCountryCode {
        value: String,
    },
    NoSuchOrganisation {
        slug: String,
    },
    NoSuchCall {
        topic_id: String,
    },
    /// No published item of the kind (its id) has the address name.
    NoSuchItem {
        kind: &'static str,
        slug: String,
    },
    /// Not an address name (a slug: lowercase letters, digits and hyphens).
    NotAddressName {
        value: String,
    },
    TooManyLinks {
        max: usize,
    },
    /// A list with more entries than allowed.
    TooManyEntries {
        max: usize,
    },
    /// A value given twice where each must be unique.
    Duplicate {
        value: String,
    },
    /// A value saved before, where it may be saved once.
    AddedAlready {
        value: String,
    },
    /// A file larger than allowed.
    TooLarge {
        max_bytes: u64,
    },
    /// A table row without one value per column.
    Columns {
        expected: usize,
    },
    /// Not a code with a known prefix (`MONDO:0005061`) nor a web address.
    NotCode {
        value: String,
        prefixes: String,
    },
    NotCodingSystem {
        value: String,
        names: String,
    },
    NotDpvTerm {
        value: String,
    },
    /// A well-formed code that the vocabulary does not have.
    NoSuchTerm {
        scheme: &'static str,
        code: String,
    },
    /// A date that has already passed, where only today or later makes sense.
    InThePast {
        value: String,
    },
    /// A field the kernel takes from another one of the record (a vacancy's expiry from its
    /// deadline).
    SetBy {
        other: &'static str,
    },
    /// Not an ORCID iD (`0000-0002-1825-0097`).
    NotOrcid {
        value: String,
    },
    /// An ORCID iD whose check digit is wrong.
    OrcidChecksum {
        value: String,
    },
    /// A vacancy its owner marked filled already.
    FilledAlready {
        date: String,
    },
    /// Not a language code with a CEFR level (`en C1`).
    NotLanguageLevel {
        value: String,
    },
    /// Neither a web address nor an e-mail address (how to apply).
    NotWebOrEmail {
        value: String,
    },
    /// A call of another source already has the topic id an item would be listed under.
    TopicIdTaken {
        topic_id: String,
    },
    /// A call whose last deadline has passed, where only an open or forthcoming one will do.
    CallClosed {
        topic_id: String,
    },
    /// An organisation that is a partner of the consortium already.
    AlreadyPartner {
        name: String,
    },
    /// The organisation that manages a consortium stays in it.
    ManagerStays,
    /// Only one partner may coordinate.
    OneCoordinator,
    /// Items of this kind do not expire, so there is nothing to renew.
    NotRenewable,
    /// An organisation cannot be introduced to itself.
    SameOrganisation,
    /// A field people do not see, which only robots fill in.
    MustBeEmpty,
    /// More than may be sent from one address in a day.
    TooManyToday {
        max: usize,
    },
    /// A file that is not an image of a kind the hub reads (JPEG, PNG or WebP).
    NotImage,
    /// An image with more pixels than the hub decodes.
    TooManyPixels {
        max_megapixels: u32,
    },
    /// An introduction to this organisation waits for its answer already.
    AlreadyAsked {
        name: String,
    },
    /// An introduction that no longer waits for this answer.
    NotPending {
        status: String,
    },
    /// A follow-up that was not asked.
    NotAsked {
        days: i64,
    },
    ConfirmationMismatch,
    LastAdmin,
    /// A password change whose "current password" is not the account's.
    WrongPassword,
    /// In another component's own words (a parser's, the sign-in provider's), in English.
    Other(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Empty => write!(f, "must not be empty"),
            Reason::TooShort { min } => write!(f, "must be at least {min} characters"),
            Reason::TooLong { max } => write!(f, "must be at most {max} characters"),
            Reason::ControlCharacters => write!(f, "must not contain control characters"),
            Reason::NotUtf8 => write!(f, "is not valid UTF-8 text"),
            Reason::DirectionControls => write!(f, "must not contain characters that change the writing direction"),
            Reason::NotOneLine => write!(f, "must be one line"),
            Reason::NoLetterOrDigit => write!(f, "must hold at least one letter or digit"),
            Reason::Comma { value } => write!(f, "'{value}' must not contain a comma"),
            Reason::NotWebAddress { value } => write!(f, "'{value}' is not an http(s) web address"),
            Reason::NotEmailAddress { value: Some(value) } => write!(f, "'{value}' is not an e-mail address"),
            Reason::NotEmailAddress { value: None } => write!(f, "is not an e-mail address (name@example.org)"),
            Reason::FewDistinctCharacters => write!(f, "uses too few different characters"),
            Reason::WellKnownPassword => write!(f, "is a well-known password"),
            Reason::ContainsEmailAddress => write!(f, "must not contain your e-mail address"),
            Reason::Negative => write!(f, "must not be negative"),
            Reason::OutOfRange { min, max } => write!(f, "must be between {min} and {max}"),
            Reason::NotWholeNumberInRange { min, max } => write!(f, "must be a whole number from {min} to {max}"),
            Reason::NotWholeNumber { value } => write!(f, "'{value}' is not a whole number"),
            Reason::NotMultipleOf { step } => write!(f, "must be a multiple of {step}"),
            Reason::NotDate { value } => write!(f, "'{value}' is not a date (YYYY-MM-DD)"),
            Reason::NotDateTime { value } => write!(f, "'{value}' is not a date and time (YYYY-MM-DD HH:MM)"),
            Reason::NotTimeZone { value } => {
                write!(f, "'{value}' is not a time zone of the IANA database (e.g. Europe/Amsterdam)")
            }
            Reason::NotWholeEuros { value } => {
                write!(f, "'{value}' is not an amount in whole euro (e.g. 1500000 or 1500000.00)")
            }
            Reason::MoreThan { other } => write!(f, "must not be more than {other}"),
            Reason::ValueMoreThan { value, other, limit } => write!(f, "{value} is more than {other} {limit}"),
            Reason::After { other } => write!(f, "must not be after {other}"),
            Reason::NotChronological => write!(f, "must be in chronological order"),
            Reason::CoordinatesApart => write!(f, "latitude and longitude come together"),
            Reason::TooManySectors { max } => write!(f, "at most {max} sectors"),
            Reason::NotOneOf { value, allowed } => write!(f, "'{value}' is not one of: {allowed}"),
            Reason::NotEither { value, first, second } => write!(f, "'{value}' is not {first} or {second}"),
            Reason::NeitherOf { first, second } => write!(f, "must be {first} or {second}"),
            Reason::GiveOneOf { choices } => write!(f, "give one of {choices}"),
            Reason::GiveOnlyOneOf { choices } => write!(f, "give only one of {choices}"),
            Reason::NotTopicId { value } => {
                write!(f, "'{value}' is not a topic id (letters, digits, '-', '_', '.', '/')")
            }
            Reason::NotRorId { value } => write!(f, "'{value}' is not a ROR id (like https://ror.org/03xqtf034)"),
            Reason::RorChecksum { value } => write!(f, "'{value}' has a wrong ROR checksum"),
            Reason::NotKvkNumber { value } => write!(f, "'{value}' is not a KvK number (eight digits)"),
            Reason::NotLei { value } => write!(f, "'{value}' is not a LEI (20 letters and digits)"),
            Reason::NotCountryCode { value } => write!(f, "'{value}' is not a two-letter country code"),
            Reason::NoSuchOrganisation { slug } => write!(f, "no organisation has the address name '{slug}'"),
            Reason::NoSuchCall { topic_id } => write!(f, "no call has the topic id '{topic_id}'"),
            Reason::NoSuchItem { kind, slug } => write!(f, "no published {kind} has the address name '{slug}'"),
            Reason::NotAddressName { value } => {
                write!(f, "'{value}' is not an address name (lowercase letters, digits and hyphens)")
            }
            Reason::TooManyLinks { max } => write!(f, "at most {max} links"),
            Reason::TooManyEntries { max } => write!(f, "at most {max} entries"),
            Reason::Duplicate { value } => write!(f, "'{value}' is given more than once"),
            Reason::AddedAlready { value } => write!(f, "'{value}' is added already"),
            Reason::CallClosed { topic_id } => write!(f, "the call {topic_id} is closed"),
            Reason::AlreadyPartner { name } => write!(f, "{name} is a partner already"),
            Reason::ManagerStays => write!(f, "the organisation that manages the consortium cannot leave it"),
            Reason::OneCoordinator => write!(f, "the consortium has a coordinator already"),
            Reason::NotRenewable => write!(f, "items of this kind do not expire, so there is nothing to renew"),
            Reason::SameOrganisation => write!(f, "an organisation cannot be introduced to itself"),
            Reason::MustBeEmpty => write!(f, "must be left empty"),
            Reason::TooManyToday { max } => write!(f, "at most {max} may be sent from one address a day"),
            Reason::NotImage => write!(f, "must be a JPEG, PNG or WebP image"),
            Reason::TooManyPixels { max_megapixels } => write!(f, "must have at most {max_megapixels} megapixels"),
            Reason::AlreadyAsked { name } => write!(f, "an introduction to {name} waits for its answer already"),
            Reason::NotPending { status } => write!(f, "this introduction is {status}: it waits for no answer"),
            Reason::NotAsked { days } => write!(f, "no follow-up was asked {days} days after acceptance"),
            Reason::TooLarge { max_bytes } => write!(f, "must be at most {} MB", max_bytes / 1024 / 1024),
            Reason::Columns { expected } => write!(f, "every row needs {expected} values, one per column"),
            Reason::NotCode { value, prefixes } => {
                write!(f, "'{value}' is neither a web address nor a code with a known prefix ({prefixes})")
            }
            Reason::NotCodingSystem { value, names } => {
                write!(f, "'{value}' is neither a web address nor one of: {names}")
            }
            Reason::NoSuchTerm { scheme, code } => write!(f, "'{code}' is not a term of {scheme}"),
            Reason::NotDpvTerm { value } => {
                write!(f, "'{value}' is neither a web address nor the name of a DPV term (like Consent)")
            }
            Reason::TopicIdTaken { topic_id } => {
                write!(f, "a call with the topic id '{topic_id}' is listed already; give this one another title")
            }
            Reason::InThePast { value } => write!(f, "{value} has passed; give today or a later date"),
            Reason::SetBy { other } => write!(f, "is set by {other}"),
            Reason::FilledAlready { date } => write!(f, "was marked filled on {date}"),
            Reason::NotOrcid { value } => write!(f, "'{value}' is not an ORCID iD (like 0000-0002-1825-0097)"),
            Reason::OrcidChecksum { value } => write!(f, "'{value}' has a wrong ORCID check digit"),
            Reason::NotLanguageLevel { value } => {
                write!(f, "'{value}' is not a language code with a CEFR level (like en C1)")
            }
            Reason::NotWebOrEmail { value } => {
                write!(f, "'{value}' is neither an http(s) web address nor an e-mail address")
            }
            Reason::ConfirmationMismatch => write!(f, "This is not the e-mail address of your account."),
            Reason::LastAdmin => write!(f, "the hub needs at least one admin; make someone else admin first"),
            Reason::WrongPassword => write!(f, "is not your current password"),
            Reason::Other(text) => write!(f, "{text}"),
        }
    }
}

/// Rejects empty (after trimming) and overlong required text.
pub fn required_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, Reason::Empty));
    }
    optional_text(field, Some(value), max_chars)
}

/// The text trimmed, or `None` when nothing is left.
pub fn text(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// One language of a bilingual field, `None` when left empty: a line for titles
/// (`one_line`), text for descriptions.
pub fn optional_language_text(
    field: &'static str,
    value: &str,
    max: usize,
    one_line: bool,
) -> Result<Option<String>, ValidationError> {
    let Some(value) = text(value) else { return Ok(None) };
    if value.chars().count() > max {
        return Err(ValidationError::new(field, Reason::TooLong { max }));
    }
    no_direction_controls(field, &value)?;
    if one_line && value.contains(['\n', '\r']) {
        return Err(ValidationError::new(field, Reason::NotOneLine));
    }
    Ok(Some(value))
}

/// Required text on one line without direction controls: a title or a name.
pub fn required_line(field: &'static str, value: &str, max_chars: usize) -> Result<(), ValidationError> {
    required_text(field, value, max_chars)?;
    no_direction_controls(field, value)?;
    if value.contains(['\n', '\r']) {
        return Err(ValidationError::new(field, Reason::NotOneLine));
    }
    Ok(())
}

pub fn optional_text(field: &'static str, value: Option<&str>, max_chars: usize) -> Result<(), ValidationError> {
    match value {
        Some(v) if v.chars().count() > max_chars => {
            Err(ValidationError::new(field, Reason::TooLong { max: max_chars }))
        }
        Some(v) if v.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) => {
            Err(ValidationError::new(field, Reason::ControlCharacters))
        }
        _ => Ok(()),
    }
}

/// The invisible characters that set the writing direction of the text after them: the
/// embeddings and overrides (U+202A..U+202E), the isolates (U+2066..U+2069) and the marks
/// (U+200E, U+200F, U+061C). In a name shown among others they can make it read as
/// something else ("\u{202E}nimda" shows as "admin"), so names refuse them.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Refuses text that holds a [direction control](is_direction_control).
pub fn no_direction_controls(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.chars().any(is_direction_control) {
        return Err(ValidationError::new(field, Reason::DirectionControls));
    }
    Ok(())
}

/// A date written `YYYY-MM-DD`, or `None` when left empty.
pub fn optional_date(field: &'static str, value: &str) -> Result<Option<chrono::NaiveDate>, ValidationError> {
    let Some(value) = text(value) else { return Ok(None) };
    chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ValidationError::new(field, Reason::NotDate { value }))
}

/// One line of text without control or direction characters, or `None` when left empty.
pub fn optional_line(field: &'static str, value: &str, max_chars: usize) -> Result<Option<String>, ValidationError> {
    let Some(value) = text(value) else { return Ok(None) };
    required_line(field, &value, max_chars)?;
    Ok(Some(value))
}

/// Collects every refused field of a draft while reading it, in the order of the form.
#[derive(Debug, Default)]
pub struct Checks(pub Vec<ValidationError>);

impl Checks {
    /// The value read, or `None` with its error kept.
    pub fn keep<T>(&mut self, result: Result<T, ValidationError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    /// The value read, or its error kept and the default standing in, so reading goes on.
    pub fn take<T: Default>(&mut self, result: Result<T, ValidationError>) -> T {
        result.unwrap_or_else(|error| {
            self.0.push(error);
            T::default()
        })
    }

    pub fn refuse(&mut self, field: &'static str, reason: Reason) {
        self.0.push(ValidationError::new(field, reason));
    }

    /// A text in English, Dutch or both, from two fields `(name, value)`; with `required`
    /// (the fields' names as the refusal lists them), one of the two must be given.
    pub fn bilingual(
        &mut self,
        en: (&'static str, &str),
        nl: (&'static str, &str),
        max_chars: usize,
        one_line: bool,
        required: Option<&'static str>,
    ) -> crate::language::Bilingual {
        let text = crate::language::Bilingual {
            en: self.take(optional_language_text(en.0, en.1, max_chars, one_line)),
            nl: self.take(optional_language_text(nl.0, nl.1, max_chars, one_line)),
        };
        if let Some(choices) = required.filter(|_| text.en.is_none() && text.nl.is_none()) {
            self.refuse(en.0, Reason::GiveOneOf { choices });
        }
        text
    }

    /// `value` when nothing was refused.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<ValidationError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

/// Accepts absolute http(s) URLs only: anything else could become a `javascript:` link.
pub fn optional_web_url(field: &'static str, value: Option<&str>) -> Result<(), ValidationError> {
    let Some(value) = value else { return Ok(()) };
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(ValidationError::new(field, Reason::NotWebAddress { value: value.to_owned() })),
    }
}
