//! Interface text in Dutch and English, from Fluent files in `locales/`.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use lshub_domain::{Language, Reason, ValidationError};

/// The cookie that remembers a visitor's language choice.
pub const LANGUAGE_COOKIE: &str = "lshub_lang";

fn source(lang: Language) -> &'static str {
    match lang {
        Language::En => include_str!("../locales/en.ftl"),
        Language::Nl => include_str!("../locales/nl.ftl"),
    }
}

pub struct I18n {
    bundles: HashMap<Language, FluentBundle<FluentResource>>,
}

impl I18n {
    /// Loads the embedded translations; fails on a syntax error in a file.
    pub fn load() -> Result<Self, String> {
        let mut bundles = HashMap::new();
        for lang in Language::ALL {
            let resource = FluentResource::try_new(source(lang).to_owned())
                .map_err(|(_, errors)| format!("{}.ftl: {errors:?}", lang.code()))?;
            let id = lang.code().parse().map_err(|e| format!("{e:?}"))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks would end up inside HTML attributes and URLs.
            bundle.set_use_isolating(false);
            bundle.add_resource(resource).map_err(|errors| format!("{}.ftl: {errors:?}", lang.code()))?;
            bundles.insert(lang, bundle);
        }
        Ok(Self { bundles })
    }

    /// The message `id` in `lang`, with `args` filled in. A missing message shows its id,
    /// which the translation tests make sure never ships.
    pub fn format(&self, lang: Language, id: &str, args: Option<&FluentArgs>) -> String {
        let Some(bundle) = self.bundles.get(&lang) else { return id.to_owned() };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else { return id.to_owned() };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
        if !errors.is_empty() {
            tracing::warn!(id, lang = lang.code(), ?errors, "translation has errors");
        }
        text
    }

    /// The ids of all messages in `lang`, for the completeness test.
    pub fn message_ids(lang: Language) -> BTreeSet<String> {
        source(lang)
            .lines()
            .filter_map(|line| line.split_once(" =").map(|(id, _)| id))
            .filter(|id| !id.is_empty() && !id.starts_with(['#', ' ', '-']))
            .map(str::to_owned)
            .collect()
    }
}

/// The interface language of one request, with the text lookups templates need.
#[derive(Clone)]
pub struct Translator {
    i18n: Arc<I18n>,
    pub lang: Language,
}

impl Translator {
    pub fn new(i18n: Arc<I18n>, lang: Language) -> Self {
        Self { i18n, lang }
    }

    /// A message without arguments.
    pub fn t(&self, id: &str) -> String {
        self.i18n.format(self.lang, id, None)
    }

    /// A message with one argument, e.g. a count for plural forms.
    pub fn t1(&self, id: &str, name: &str, value: impl Into<FluentValue<'static>>) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value.into());
        self.i18n.format(self.lang, id, Some(&args))
    }

    /// A message about `count` things: `$count` picks the plural form, `$shown` is the
    /// number as this language writes it ("2,525" / "2.525").
    pub fn count(&self, id: &str, count: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", count);
        args.set("shown", crate::pages::format::number(self.lang, count));
        self.i18n.format(self.lang, id, Some(&args))
    }

    /// A message with several text arguments.
    pub fn with(&self, id: &str, args: &[(&str, String)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set((*name).to_owned(), value.clone());
        }
        self.with_args(id, &fluent)
    }

    /// A message with several arguments.
    pub fn with_args(&self, id: &str, args: &FluentArgs) -> String {
        self.i18n.format(self.lang, id, Some(args))
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// A validation error as a form or an error page shows it: the field, then the reason.
    pub fn invalid(&self, error: &ValidationError) -> String {
        format!("{}: {}", error.field, self.reason(&error.reason))
    }

    /// Why a value is refused, in this language.
    pub fn reason(&self, reason: &Reason) -> String {
        let value = |v: &String| vec![("value", v.clone())];
        let (id, values): (&str, Vec<(&str, String)>) = match reason {
            Reason::Empty => ("invalid-empty", vec![]),
            Reason::TooShort { min } => ("invalid-too-short", vec![("min", min.to_string())]),
            Reason::TooLong { max } => ("invalid-too-long", vec![("max", max.to_string())]),
            Reason::ControlCharacters => ("invalid-control-characters", vec![]),
            Reason::DirectionControls => ("invalid-direction-controls", vec![]),
            Reason::NotUtf8 => ("invalid-not-utf8", vec![]),
            Reason::NotOneLine => ("invalid-not-one-line", vec![]),
            Reason::NoLetterOrDigit => ("invalid-no-letter-or-digit", vec![]),
            Reason::Comma { value: v } => ("invalid-comma", value(v)),
            Reason::NotWebAddress { value: v } => ("invalid-web-address", value(v)),
            Reason::NotEmailAddress { value: Some(v) } => ("invalid-email-address-value", value(v)),
            Reason::NotEmailAddress { value: None } => ("invalid-email-address", vec![]),
            Reason::FewDistinctCharacters => ("invalid-few-distinct-characters", vec![]),
            Reason::WellKnownPassword => ("invalid-well-known-password", vec![]),
            Reason::ContainsEmailAddress => ("invalid-contains-email-address", vec![]),
            Reason::Negative => ("invalid-negative", vec![]),
            Reason::OutOfRange { min, max } => {
                ("invalid-out-of-range", vec![("min", min.to_string()), ("max", max.to_string())])
            }
            Reason::NotWholeNumberInRange { min, max } => {
                ("invalid-whole-number-in-range", vec![("min", min.to_string()), ("max", max.to_string())])
            }
            Reason::NotWholeNumber { value: v } => ("invalid-whole-number", value(v)),
            Reason::NotMultipleOf { step } => ("invalid-multiple-of", vec![("step", step.to_string())]),
            Reason::NotDate { value: v } => ("invalid-date", value(v)),
            Reason::TopicIdTaken { topic_id } => ("invalid-topic-id-taken", vec![("value", topic_id.clone())]),
            Reason::NotDateTime { value: v } => ("invalid-date-time", value(v)),
            Reason::NotTimeZone { value: v } => ("invalid-time-zone", value(v)),
            Reason::NotWholeEuros { value: v } => ("invalid-whole-euros", value(v)),
            Reason::MoreThan { other } => ("invalid-more-than", vec![("other", (*other).to_owned())]),
            Reason::ValueMoreThan { value, other, limit } => (
                "invalid-value-more-than",
                vec![("value", value.to_string()), ("other", (*other).to_owned()), ("limit", limit.to_string())],
            ),
            Reason::After { other } => ("invalid-after", vec![("other", (*other).to_owned())]),
            Reason::NotChronological => ("invalid-not-chronological", vec![]),
            Reason::CoordinatesApart => ("invalid-coordinates-apart", vec![]),
            Reason::TooManySectors { max } => ("invalid-too-many-sectors", vec![("max", max.to_string())]),
            Reason::NotOneOf { value, allowed } => {
                ("invalid-not-one-of", vec![("value", value.clone()), ("allowed", allowed.clone())])
            }
            Reason::NotEither { value, first, second } => (
                "invalid-not-either",
                vec![("value", value.clone()), ("first", (*first).to_owned()), ("second", (*second).to_owned())],
            ),
            Reason::NeitherOf { first, second } => {
                ("invalid-neither-of", vec![("first", (*first).to_owned()), ("second", (*second).to_owned())])
            }
            Reason::GiveOneOf { choices } => ("invalid-give-one-of", vec![("choices", (*choices).to_owned())]),
            Reason::GiveOnlyOneOf { choices } => ("invalid-give-only-one-of", vec![("choices", (*choices).to_owned())]),
            Reason::NotTopicId { value: v } => ("invalid-topic-id", value(v)),
            Reason::NotRorId { value: v } => ("invalid-ror-id", value(v)),
            Reason::RorChecksum { value: v } => ("invalid-ror-checksum", value(v)),
            Reason::NotKvkNumber { value: v } => ("invalid-kvk-number", value(v)),
            Reason::NotLei { value: v } => ("invalid-lei", value(v)),
            Reason::NotCountryCode { value: v } => ("invalid-country-code", value(v)),
            Reason::NoSuchOrganisation { slug } => ("invalid-no-such-organisation", vec![("slug", slug.clone())]),
            Reason::NoSuchCall { topic_id } => ("invalid-no-such-call", vec![("topic", topic_id.clone())]),
            Reason::NotAddressName { value: v } => ("invalid-address-name", value(v)),
            Reason::TooManyLinks { max } => ("invalid-too-many-links", vec![("max", max.to_string())]),
            Reason::TooManyEntries { max } => ("invalid-too-many-entries", vec![("max", max.to_string())]),
            Reason::Duplicate { value } => ("invalid-duplicate", vec![("value", value.clone())]),
            Reason::AddedAlready { value } => ("invalid-added-already", vec![("value", value.clone())]),
            Reason::CallClosed { topic_id } => ("invalid-call-closed", vec![("topic", topic_id.clone())]),
            Reason::AlreadyPartner { name } => ("invalid-already-partner", vec![("name", name.clone())]),
            Reason::ManagerStays => ("invalid-manager-stays", vec![]),
            Reason::OneCoordinator => ("invalid-one-coordinator", vec![]),
            Reason::NotRenewable => ("invalid-not-renewable", vec![]),
            Reason::SameOrganisation => ("invalid-same-organisation", vec![]),
            Reason::MustBeEmpty => ("invalid-must-be-empty", vec![]),
            Reason::TooManyToday { max } => ("invalid-too-many-today", vec![("max", max.to_string())]),
            Reason::NotImage => ("invalid-not-image", vec![]),
            Reason::TooManyPixels { max_megapixels } => {
                ("invalid-too-many-pixels", vec![("max", max_megapixels.to_string())])
            }
            Reason::AlreadyAsked { name } => ("invalid-already-asked", vec![("name", name.clone())]),
            Reason::NotPending { status } => ("invalid-not-pending", vec![("status", status.clone())]),
            Reason::NotAsked { days } => ("invalid-not-asked", vec![("days", days.to_string())]),
            Reason::Columns { expected } => ("invalid-columns", vec![("expected", expected.to_string())]),
            Reason::TooLarge { max_bytes } => {
                ("invalid-too-large", vec![("max", (max_bytes / 1024 / 1024).to_string())])
            }
            Reason::NotCode { value: v, prefixes } => {
                ("invalid-not-code", vec![("value", v.clone()), ("prefixes", prefixes.clone())])
            }
            Reason::NotCodingSystem { value: v, names } => {
                ("invalid-not-coding-system", vec![("value", v.clone()), ("names", names.clone())])
            }
            Reason::NotDpvTerm { value: v } => ("invalid-not-dpv-term", value(v)),
            Reason::NoSuchTerm { scheme, code } => {
                ("invalid-no-such-term", vec![("scheme", (*scheme).to_owned()), ("code", code.clone())])
            }
            Reason::InThePast { value: v } => ("invalid-in-the-past", value(v)),
            Reason::NoSuchItem { kind, slug } => {
                ("invalid-no-such-item", vec![("kind", (*kind).to_owned()), ("slug", slug.clone())])
            }
            Reason::SetBy { other } => ("invalid-set-by", vec![("other", (*other).to_owned())]),
            Reason::FilledAlready { date } => ("invalid-filled-already", vec![("date", date.clone())]),
            Reason::NotLanguageLevel { value: v } => ("invalid-language-level", value(v)),
            Reason::NotOrcid { value: v } => ("invalid-orcid", value(v)),
            Reason::OrcidChecksum { value: v } => ("invalid-orcid-checksum", value(v)),
            Reason::NotWebOrEmail { value: v } => ("invalid-web-or-email", value(v)),
            Reason::ConfirmationMismatch => ("delete-confirm-mismatch", vec![]),
            Reason::LastAdmin => ("invalid-last-admin", vec![]),
            Reason::WrongPassword => ("invalid-wrong-password", vec![]),
            // Another component's words; there is nothing to translate them from.
            Reason::Other(text) => return text.clone(),
        };
        let mut args = FluentArgs::new();
        for (name, text) in values {
            args.set(name, text);
        }
        self.i18n.format(self.lang, id, Some(&args))
    }
}

/// The language of a request: the remembered choice (cookie), else the browser's
/// `Accept-Language`, else English.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Language);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(language_of(parts)))
    }
}

pub fn language_of(parts: &Parts) -> Language {
    language_from(&parts.headers)
}

/// The page language a request asks for: the language cookie, else `Accept-Language`.
pub fn language_from(headers: &HeaderMap) -> Language {
    let from_cookie = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANGUAGE_COOKIE)
        .and_then(|(_, value)| Language::from_tag(value));
    from_cookie
        .or_else(|| headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Language::negotiate))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_both_languages() {
        let en = I18n::message_ids(Language::En);
        let nl = I18n::message_ids(Language::Nl);
        assert!(en.len() > 20, "the English file has messages");
        let missing_nl: Vec<_> = en.difference(&nl).collect();
        let missing_en: Vec<_> = nl.difference(&en).collect();
        assert!(missing_nl.is_empty(), "missing in nl.ftl: {missing_nl:?}");
        assert!(missing_en.is_empty(), "missing in en.ftl: {missing_en:?}");
    }

    #[test]
    fn counts_pick_the_plural_and_the_local_number_format() {
        let i18n = Arc::new(I18n::load().expect("translations load"));
        let en = Translator::new(i18n.clone(), Language::En);
        let nl = Translator::new(i18n, Language::Nl);
        assert_eq!(en.count("organisations-count", 1), "1 organisation");
        assert_eq!(en.count("organisations-count", 2525), "2,525 organisations");
        assert_eq!(nl.count("organisations-count", 1), "1 organisatie");
        assert_eq!(nl.count("organisations-count", 2525), "2.525 organisaties");
    }

    /// The web words every reason as the API does in English, and differently in Dutch.
    #[test]
    fn every_validation_reason_is_worded_in_both_languages() {
        let i18n = Arc::new(I18n::load().expect("translations load"));
        let en = Translator::new(i18n.clone(), Language::En);
        let nl = Translator::new(i18n, Language::Nl);
        let value = || "x".to_owned();
        let reasons = [
            Reason::Empty,
            Reason::TooShort { min: 12 },
            Reason::TooLong { max: 200 },
            Reason::ControlCharacters,
            Reason::DirectionControls,
            Reason::NotUtf8,
            Reason::NotOneLine,
            Reason::NoLetterOrDigit,
            Reason::Comma { value: value() },
            Reason::NotWebAddress { value: value() },
            Reason::NotEmailAddress { value: Some(value()) },
            Reason::NotEmailAddress { value: None },
            Reason::FewDistinctCharacters,
            Reason::WellKnownPassword,
            Reason::ContainsEmailAddress,
            Reason::Negative,
            Reason::OutOfRange { min: -90, max: 90 },
            Reason::NotWholeNumberInRange { min: 1, max: 20 },
            Reason::NotWholeNumber { value: value() },
            Reason::NotDate { value: value() },
            Reason::TopicIdTaken { topic_id: value() },
            Reason::NotDateTime { value: value() },
            Reason::NotTimeZone { value: value() },
            Reason::NotWholeEuros { value: value() },
            Reason::MoreThan { other: "budgetMax" },
            Reason::ValueMoreThan { value: 9_000_000, other: "budgetMax", limit: 6_000_000 },
            Reason::After { other: "deadlineTo" },
            Reason::NotChronological,
            Reason::CoordinatesApart,
            Reason::TooManySectors { max: 50 },
            Reason::NotOneOf { value: value(), allowed: "en, nl".into() },
            Reason::NotEither { value: value(), first: "yes", second: "no" },
            Reason::NeitherOf { first: "read", second: "write" },
            Reason::GiveOneOf { choices: "call, organisation or text" },
            Reason::GiveOnlyOneOf { choices: "call, organisation or text" },
            Reason::NotTopicId { value: value() },
            Reason::NotRorId { value: value() },
            Reason::RorChecksum { value: value() },
            Reason::NotKvkNumber { value: value() },
            Reason::NotLei { value: value() },
            Reason::NotCountryCode { value: value() },
            Reason::NoSuchOrganisation { slug: value() },
            Reason::NoSuchCall { topic_id: value() },
            Reason::NotAddressName { value: value() },
            Reason::TooManyLinks { max: 20 },
            Reason::TooManyEntries { max: 50 },
            Reason::Duplicate { value: value() },
            Reason::AddedAlready { value: value() },
            Reason::CallClosed { topic_id: value() },
            Reason::AlreadyPartner { name: value() },
            Reason::ManagerStays,
            Reason::OneCoordinator,
            Reason::NotRenewable,
            Reason::SameOrganisation,
            Reason::MustBeEmpty,
            Reason::TooManyToday { max: 5 },
            Reason::NotImage,
            Reason::TooManyPixels { max_megapixels: 40 },
            Reason::AlreadyAsked { name: value() },
            Reason::NotPending { status: value() },
            Reason::NotAsked { days: 30 },
            Reason::Columns { expected: 3 },
            Reason::TooLarge { max_bytes: 10 * 1024 * 1024 },
            Reason::NotCode { value: value(), prefixes: "MONDO:, DUO:".into() },
            Reason::NotCodingSystem { value: value(), names: "ICD-10, LOINC".into() },
            Reason::NotDpvTerm { value: value() },
            Reason::NoSuchTerm { scheme: "DUO", code: value() },
            Reason::InThePast { value: value() },
            Reason::NoSuchItem { kind: "programme", slug: value() },
            Reason::SetBy { other: "deadline" },
            Reason::FilledAlready { date: value() },
            Reason::NotLanguageLevel { value: value() },
            Reason::NotOrcid { value: value() },
            Reason::OrcidChecksum { value: value() },
            Reason::NotWebOrEmail { value: value() },
            Reason::ConfirmationMismatch,
            Reason::LastAdmin,
            Reason::WrongPassword,
        ];
        for reason in &reasons {
            assert_eq!(en.reason(reason), reason.to_string());
            assert_ne!(nl.reason(reason), reason.to_string(), "{reason:?} in Dutch");
        }
        assert_eq!(nl.reason(&Reason::Other("a parser's words".into())), "a parser's words");
        let error = ValidationError::new("limit", Reason::OutOfRange { min: 1, max: 100 });
        assert_eq!(nl.invalid(&error), "limit: moet tussen 1 en 100 liggen");
    }

    /// Messages whose ids pages build from names (a kind's path, a state's id) exist in
    /// both languages; a missing one would show its id.
    #[test]
    fn messages_named_from_values_exist() {
        use lshub_domain::event::{EventType, RegistrationState};
        let mut ids: Vec<String> =
            lshub_domain::content::KINDS.iter().map(|kind| format!("nav-{}", kind.path)).collect();
        ids.extend(EventType::ALL.iter().map(|t| format!("event-type-{}", t.id())));
        for state in RegistrationState::ALL {
            ids.push(format!("registration-state-{}", state.id()));
            ids.push(format!("mail-registration-{}-subject", state.id()));
            ids.push(format!("mail-registration-{}-body", state.id()));
        }
        for lang in Language::ALL {
            let known = I18n::message_ids(lang);
            let missing: Vec<_> = ids.iter().filter(|id| !known.contains(*id)).collect();
            assert!(missing.is_empty(), "missing in {}.ftl: {missing:?}", lang.code());
        }
    }

    #[test]
    fn translations_parse_and_differ() {
        let i18n = I18n::load().expect("translations load");
        assert_ne!(
            i18n.format(Language::En, "nav-organisations", None),
            i18n.format(Language::Nl, "nav-organisations", None)
        );
        for lang in Language::ALL {
            for id in I18n::message_ids(lang) {
                assert_ne!(i18n.format(lang, &id, None), id, "{id} has a value in {}", lang.code());
            }
        }
    }
}
