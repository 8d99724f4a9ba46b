//! Accounts: who a user is, which role they hold, and the rules for e-mail addresses and
//! passwords. The hub's policy on what each role may do lives in [`crate::authorization`].

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::validation::{Reason, ValidationError};

/// The role of a signed-in user. A visitor has no account and so no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Maintains the profiles of the organisations they belong to.
    Member,
    /// Staff of an MoU partner organisation: a member who also sees partner-only content.
    Partner,
    /// Runs the hub: users, roles, partner organisations, claims and the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Member, Role::Partner, Role::Admin];

    pub fn id(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Partner => "partner",
            Role::Admin => "admin",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A user as the rest of the hub sees them (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub email_verified: bool,
    /// An admin disabled the account: it cannot sign in, and its sessions and tokens do nothing.
    pub disabled: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl User {
    pub fn state(&self) -> AccountState {
        if self.disabled {
            AccountState::Disabled
        } else if self.email_verified {
            AccountState::Verified
        } else {
            AccountState::Unverified
        }
    }
}

/// Where an account stands, as the authorization policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountState {
    /// Registered, but the e-mail address is not confirmed yet: whoever registered may not be
    /// its owner.
    Unverified,
    Verified,
    /// Switched off by an admin (until an admin switches it on again).
    Disabled,
}

impl AccountState {
    pub fn id(self) -> &'static str {
        match self {
            AccountState::Unverified => "unverified",
            AccountState::Verified => "verified",
            AccountState::Disabled => "disabled",
        }
    }
}

/// An e-mail address in the one form the hub stores, looks up and sends to.
///
/// Look-alikes of an address must not be a second key to the same account, nor the same
/// key with another mailbox: `\u{212A}im@x.nl` (KELVIN SIGN) once lower-cased to the key of
/// `kim@x.nl` while mail went to the look-alike. So the text is first brought into Unicode
/// compatibility form (NFKC), which turns the KELVIN SIGN, fullwidth letters, the long s and
/// ligatures into the ASCII letters they stand for; a local part that is still not ASCII
/// (dotless i, Cyrillic or Greek letters) is refused, since whether a mail server takes it
/// for the letter it resembles is up to that server. The domain is converted to ASCII as
/// DNS and SMTP use it (IDNA: lower case, `xn--` labels for internationalised names), so
/// `ann@bücher.example` works and is stored as `ann@xn--bcher-kva.example`. The local part
/// keeps its case (only the receiving server may decide it is case-insensitive); lookups
/// fold it, which on ASCII cannot make one address out of two different-looking ones.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let invalid = || ValidationError::new("email", Reason::NotEmailAddress { value: None });
        let text: String = text.trim().nfkc().collect();
        if text.len() > 254 || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = text.rsplit_once('@').ok_or_else(invalid)?;
        if local.is_empty() || !local.is_ascii() || local.contains('@') {
            return Err(invalid());
        }
        let domain = idna::domain_to_ascii_strict(domain).map_err(|_| invalid())?;
        if !domain.contains('.') || domain.ends_with('.') {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used to find an account: lower case, so that `Ann@X.nl` and `ann@x.nl`
    /// cannot be two accounts. The address is ASCII, so this folds nothing else into a letter.
    pub fn lookup_key(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Shortest password accepted; with the checks below, long passphrases are the easy path.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted: hashing is deliberately slow, so unbounded input is a lever.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Passwords that pass the length rule but are among the first any attacker tries.
const COMMON_PASSWORDS: &[&str] = &[
    "123456789012",
    "password1234",
    "passwordpassword",
    "qwertyuiopas",
    "welkom123456",
    "wachtwoord12",
    "wachtwoord123",
    "iloveyou1234",
    "letmein12345",
    "administrator",
    "changeme1234",
];

/// The password rule: at least [`MIN_PASSWORD_CHARS`] characters, not mostly one character,
/// not a well-known password, and not the e-mail address itself.
pub fn check_password_strength(password: &str, email: &str) -> Result<(), ValidationError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(ValidationError::new("password", Reason::TooShort { min: MIN_PASSWORD_CHARS }));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(ValidationError::new("password", Reason::TooLong { max: MAX_PASSWORD_CHARS }));
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return Err(ValidationError::new("password", Reason::FewDistinctCharacters));
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err(ValidationError::new("password", Reason::WellKnownPassword));
    }
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if lower == email.to_lowercase() || (local.len() >= 4 && lower.contains(&local)) {
        return Err(ValidationError::new("password", Reason::ContainsEmailAddress));
    }
    Ok(())
}

/// A display name as typed: required, one line, not too long, without characters that turn
/// it around (a name reading "admin" on screen must be "admin").
pub fn check_display_name(name: &str) -> Result<String, ValidationError> {
    crate::validation::required_text("display_name", name, 100)?;
    crate::validation::no_direction_controls("display_name", name)?;
    if name.contains(['\n', '\r']) {
        return Err(ValidationError::new("display_name", Reason::NotOneLine));
    }
    Ok(name.trim().to_owned())
}

/// The registrable domain of a web address's host (`example.nl` for `https://www.example.nl/`
/// and for `https://research.example.nl`; `example.co.uk` for `www.example.co.uk`), by the
/// public suffix list, in lower case.
pub fn website_domain(website: &str) -> Option<String> {
    let url = url::Url::parse(website).ok()?;
    // Addresses have no registrable domain.
    let url::Host::Domain(host) = url.host()? else { return None };
    let host = host.to_lowercase();
    psl::domain_str(host.trim_end_matches('.')).filter(|domain| domain.contains('.')).map(str::to_owned)
}

/// Whether a member whose verified address is at `email_domain` may take over an
/// organisation with this website without an admin: only when the address's domain is the
/// website's registrable domain itself (`someone@example.nl` for `www.example.nl`). A
/// subdomain (`student.example.nl`) may be handed out to anyone the organisation lets in,
/// students or guests, so an admin decides those claims.
pub fn email_domain_matches_website(email_domain: &str, website: &str) -> bool {
    let Some(site) = website_domain(website) else { return false };
    email_domain.to_lowercase().trim_end_matches('.') == site
}

/// The state of a claim on an organisation's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimStatus {
    Pending,
    Approved,
    Rejected,
}

impl ClaimStatus {
    pub fn id(self) -> &'static str {
        match self {
            ClaimStatus::Pending => "pending",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Rejected => "rejected",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        [ClaimStatus::Pending, ClaimStatus::Approved, ClaimStatus::Rejected].into_iter().find(|s| s.id() == id)
    }
}

/// What a personal API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn id(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        [TokenScope::Read, TokenScope::Write].into_iter().find(|s| s.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_normalised() {
        let email = Email::parse("  Ann.de.Vries@AmsterdamUMC.NL ").expect("valid");
        assert_eq!(email.as_str(), "Ann.de.Vries@amsterdamumc.nl");
        assert_eq!(email.lookup_key(), "ann.de.vries@amsterdamumc.nl");
        assert_eq!(email.domain(), "amsterdamumc.nl");
        for bad in ["", "ann", "ann@", "@x.nl", "ann@x", "a b@x.nl", "ann@x..nl.", "ann@<x>.nl", "ann@x.nl."] {
            assert!(Email::parse(bad).is_err(), "{bad} is refused");
        }
    }

    #[test]
    fn look_alikes_become_the_address_they_imitate_or_are_refused() {
        let owner = Email::parse("Kim.Fiske@Example.NL").expect("valid");
        // KELVIN SIGN, fullwidth letters, long s, the fi ligature, a fullwidth at sign.
        for look_alike in [
            "\u{212A}im.Fiske@example.nl",
            "\u{FF2B}\u{FF49}\u{FF4D}.Fiske@example.nl",
            "Kim.Fi\u{017F}ke@example.nl",
            "Kim.\u{FB01}ske@example.nl",
            "Kim.Fiske\u{FF20}example.nl",
            "Kim.Fiske@\u{FF25}xample.nl",
            "Kim.Fiske@e\u{200B}xample.nl",
        ] {
            let email = Email::parse(look_alike).expect("NFKC and IDNA map it to ASCII");
            assert!(email.as_str().is_ascii(), "{look_alike} is stored and mailed as ASCII: {email}");
            assert_eq!(email.lookup_key(), owner.lookup_key(), "{look_alike} is the owner's address");
        }
        // Letters that only look like ASCII ones stay foreign, so they are refused.
        for foreign in
            ["k\u{0131}m@example.nl", "\u{043A}im@example.nl", "K\u{0130}M@example.nl", "kim\u{0301}@example.nl"]
        {
            assert!(Email::parse(foreign).is_err(), "{foreign} is refused");
        }
        let kelvin = Email::parse("\u{212A}im.Fiske@example.nl").expect("NFKC makes it ASCII");
        assert_eq!(kelvin.as_str(), "Kim.Fiske@example.nl", "mail goes to the ASCII address, not the look-alike");
    }

    #[test]
    fn internationalised_domains_are_kept_as_dns_has_them() {
        let email = Email::parse("ann@B\u{fc}cher.Example").expect("valid");
        assert_eq!(email.as_str(), "ann@xn--bcher-kva.example");
        assert_eq!(email.domain(), "xn--bcher-kva.example");
        assert_eq!(Email::parse("ann@xn--bcher-kva.example").expect("valid"), email, "one address, one form");
        assert_eq!(Email::parse(email.as_str()).expect("valid"), email, "parsing the stored form keeps it");
    }

    #[test]
    fn display_names_refuse_direction_controls() {
        assert_eq!(check_display_name(" Ann de Vries ").expect("valid"), "Ann de Vries");
        assert!(
            check_display_name("\u{0639}\u{0627}\u{0626}\u{0634}\u{0629} Bakker").is_ok(),
            "right-to-left scripts are welcome"
        );
        for turned in ["\u{202E}nimda", "Ann \u{2067}x\u{2069}", "Ann\u{200F}", "\u{202B}Ann"] {
            let error = check_display_name(turned).expect_err(turned);
            assert_eq!(error.reason, Reason::DirectionControls, "{turned:?}");
        }
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_password_strength("correct horse battery", "ann@x.nl").is_ok());
        for weak in ["short", "aaaaaaaaaaaaaaaa", "Password1234", "annvries-2026!", "ababababababab"] {
            assert!(check_password_strength(weak, "annvries@x.nl").is_err(), "{weak}");
        }
        assert!(check_password_strength(&"x1y2z3".repeat(50), "a@x.nl").is_err(), "too long");
    }

    #[test]
    fn claim_domains_must_match_the_website() {
        assert!(email_domain_matches_website("sanquin.nl", "https://www.sanquin.nl/"));
        assert!(email_domain_matches_website("Example.NL", "https://research.example.nl/"));
        assert!(email_domain_matches_website("example.co.uk", "https://www.example.co.uk"));
        assert!(email_domain_matches_website("chemtrix.example", "https://www.chemtrix.example/"));
        assert!(!email_domain_matches_website("research.sanquin.nl", "http://sanquin.nl"));
        assert!(!email_domain_matches_website("student.example.nl", "https://www.example.nl"));
        assert!(!email_domain_matches_website("www.example.nl", "https://www.example.nl"));
        assert!(!email_domain_matches_website("co.uk", "https://www.example.co.uk"));
        assert!(!email_domain_matches_website("github.io", "https://someone.github.io"));
        assert!(!email_domain_matches_website("2.1", "http://192.0.2.1/"));
        assert!(!email_domain_matches_website("notsanquin.nl", "https://www.sanquin.nl/"));
        assert!(!email_domain_matches_website("gmail.com", "https://www.sanquin.nl/"));
        assert!(!email_domain_matches_website("nl", "https://nl/"));
        assert!(!email_domain_matches_website("sanquin.nl", "not a url"));
    }
}
