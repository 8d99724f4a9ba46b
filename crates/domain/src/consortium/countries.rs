//! Countries as the eligibility rules see them: ISO 3166-1 alpha-2 codes, the EU's member
//! states, and the countries associated to Horizon Europe.

/// Every ISO 3166-1 alpha-2 code, plus `XK` (Kosovo), which the Commission uses.
const ISO_CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
     BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES \
     ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO \
     IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK \
     ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR \
     PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK \
     TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

/// The 27 member states of the European Union.
pub const MEMBER_STATES: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Countries associated to Horizon Europe (the Commission's list, as of 2026), whose
/// entities count like those of member states. Association agreements change: update this
/// list when the Commission's does.
pub const ASSOCIATED: [&str; 21] = [
    "AL", "AM", "BA", "CA", "CH", "FO", "GB", "GE", "IL", "IS", "KR", "MD", "ME", "MK", "NO", "NZ", "RS", "TN", "TR",
    "UA", "XK",
];

/// The ISO code a country is written as, from any case and from CORDIS's and the
/// Commission's own codes (`EL` for Greece, `UK` for the United Kingdom); `None` for
/// anything that is not a country code.
pub fn normalise(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    let code = match code.as_str() {
        "EL" => "GR".to_owned(),
        "UK" => "GB".to_owned(),
        _ => code,
    };
    (code.len() == 2 && ISO_CODES.split_whitespace().any(|c| c == code)).then_some(code)
}

pub fn is_member_state(code: &str) -> bool {
    MEMBER_STATES.contains(&code)
}

pub fn is_associated(code: &str) -> bool {
    ASSOCIATED.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_in_any_case_and_in_the_commissions_spelling() {
        assert_eq!(normalise(" nl ").as_deref(), Some("NL"));
        assert_eq!(normalise("EL").as_deref(), Some("GR"));
        assert_eq!(normalise("UK").as_deref(), Some("GB"));
        assert_eq!(normalise("XK").as_deref(), Some("XK"));
        assert_eq!(normalise("Germany"), None);
        assert_eq!(normalise("ZZ"), None);
        assert_eq!(normalise(""), None);
    }

    #[test]
    fn member_states_and_associated_countries_are_countries_and_apart() {
        for code in MEMBER_STATES.iter().chain(ASSOCIATED.iter()) {
            assert_eq!(normalise(code).as_deref(), Some(*code));
        }
        assert!(MEMBER_STATES.iter().all(|c| !is_associated(c)));
        assert!(is_member_state("NL") && is_member_state("BE") && !is_member_state("GB"));
        assert!(is_associated("GB") && is_associated("NO") && !is_associated("US"));
    }
}
