//! Text repair and normalisation shared by importers, storage and search.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower-cases and strips diacritics, so that "Universitair Medisch Centrum" and
/// "universitair medisch centrum", or "Zürich" and "Zurich", compare equal.
pub fn fold(text: &str) -> String {
    text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// A URL-safe, readable slug: `Netherlands Cancer Institute` → `netherlands-cancer-institute`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in fold(text).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(80).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// The byte that Windows-1252 (falling back to Latin-1 for its five unassigned positions)
/// encodes `c` as, for non-ASCII characters only.
fn windows_1252_byte(c: char) -> Option<u8> {
    let byte = match c {
        '\u{80}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(byte)
}

/// Repairs UTF-8 text that was once decoded as Windows-1252 ("mojibake"):
/// `â€“` → `–`, `Â ` (with a no-break space) → no-break space, `Ã©` → `é`.
///
/// Only character runs that form valid UTF-8 sequences when re-encoded are replaced,
/// so correct text ("café", "Zürich") is left alone.
pub fn repair_mojibake(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut repaired = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some((decoded, used)) = decode_mojibake_at(&chars[i..]) {
            repaired.push(decoded);
            i += used;
        } else {
            repaired.push(chars[i]);
            i += 1;
        }
    }
    repaired
}

fn decode_mojibake_at(chars: &[char]) -> Option<(char, usize)> {
    let lead = windows_1252_byte(*chars.first()?)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut bytes = [0u8; 4];
    bytes[0] = lead;
    for (slot, c) in bytes[1..len].iter_mut().zip(chars.get(1..len)?) {
        let b = windows_1252_byte(*c)?;
        if !(0x80..=0xBF).contains(&b) {
            return None;
        }
        *slot = b;
    }
    let decoded = std::str::from_utf8(&bytes[..len]).ok()?;
    decoded.chars().next().map(|c| (c, len))
}

/// Turns an HTML fragment into plain text: tags dropped (block tags become line breaks),
/// entities decoded, whitespace tidied. A `<` that does not open a tag (as in `<10 m`) stays.
pub fn html_to_text(html: &str) -> String {
    let html = html.trim_start();
    // Some sources cut an attribute in half and leave `">` at the start.
    let html = html.strip_prefix("\">").or_else(|| html.strip_prefix("'>")).unwrap_or(html);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(pos) = rest.find(['<', '&']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with('<') {
            match parse_tag(rest) {
                Some((name, len)) => {
                    let closing = rest.starts_with("</");
                    out.push_str(if closing && name == "li" { "" } else { tag_replacement(&name) });
                    rest = &rest[len..];
                }
                None => {
                    out.push('<');
                    rest = &rest[1..];
                }
            }
        } else {
            match decode_entity(rest) {
                Some((c, len)) => {
                    out.push(c);
                    rest = &rest[len..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    tidy_whitespace(&out)
}

/// Returns the lower-cased tag name and the tag's length, if `text` starts with a tag.
fn parse_tag(text: &str) -> Option<(String, usize)> {
    let body = text.strip_prefix('<')?;
    let name_start = body.strip_prefix('/').unwrap_or(body);
    let first = name_start.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '!') {
        return None;
    }
    let end = body.find(['>', '<'])?;
    if body.as_bytes()[end] != b'>' {
        return None;
    }
    let name: String = name_start
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
        .collect::<String>()
        .to_ascii_lowercase();
    Some((name, end + 2))
}

fn tag_replacement(name: &str) -> &'static str {
    match name {
        "br" | "tr" => "\n",
        "li" => "\n• ",
        "p" | "div" | "ul" | "ol" | "table" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "section" | "blockquote" => {
            "\n\n"
        }
        "td" | "th" => " ",
        _ => "",
    }
}

fn decode_entity(text: &str) -> Option<(char, usize)> {
    // Entities are short; look for the ';' among the first few characters only.
    let end = text.char_indices().take_while(|(i, _)| *i < 12).find(|(_, c)| *c == ';')?.0;
    let name = &text[1..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code)?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            "ndash" => '–',
            "mdash" => '—',
            "lsquo" => '\u{2018}',
            "rsquo" => '\u{2019}',
            "ldquo" => '\u{201C}',
            "rdquo" => '\u{201D}',
            "hellip" => '…',
            "bull" => '•',
            "euro" => '€',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// Collapses runs of spaces, keeps at most one blank line, trims every line.
pub fn tidy_whitespace(text: &str) -> String {
    // Stray byte-order marks and zero-width spaces are invisible but break search and copying.
    let text = text.replace(['\u{feff}', '\u{200b}'], "");
    let mut out = String::with_capacity(text.len());
    let mut blank_lines = 0;
    for line in text.lines() {
        let line = line.split([' ', '\t']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank_lines += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_lines > 0 { "\n\n" } else { "\n" });
        }
        blank_lines = 0;
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_double_decoded_utf8() {
        assert_eq!(repair_mojibake("diseases â€“ burden"), "diseases – burden");
        assert_eq!(repair_mojibake("beneficiariesâ€™ costs"), "beneficiaries’ costs");
        assert_eq!(repair_mojibake("â€œTackling diseasesâ€\u{9d}"), "“Tackling diseases”");
        assert_eq!(repair_mojibake("EUR\u{c2}\u{a0}150"), "EUR\u{a0}150");
        assert_eq!(repair_mojibake("CafÃ© in ZÃ¼rich"), "Café in Zürich");
        assert_eq!(repair_mojibake("COâ‚‚ and 20Â°C"), "CO₂ and 20°C");
    }

    #[test]
    fn leaves_correct_text_alone() {
        for text in ["Café in Zürich", "Ångström – “quoted” ’s", "naïve façade", "plain ascii", ""] {
            assert_eq!(repair_mojibake(text), text);
        }
    }

    #[test]
    fn html_fragments_become_text() {
        assert_eq!(html_to_text("\">General conditions<br/>1. Admissibility"), "General conditions\n1. Admissibility");
        assert_eq!(html_to_text("<p>A &amp; B</p><ul><li>one</li><li>two</li></ul>"), "A & B\n\n• one\n• two");
        assert_eq!(html_to_text("speed <10 m/hour and x<4) & more"), "speed <10 m/hour and x<4) & more");
        assert_eq!(html_to_text("<script>alert(1)</script>ok"), "alert(1)ok");
        assert_eq!(html_to_text("&#8211; &#x2014; &unknown;"), "– — &unknown;");
        assert_eq!(html_to_text("&I projects’ x"), "&I projects’ x");
        assert_eq!(html_to_text("are \u{feff}described\u{200b}"), "are described");
    }

    #[test]
    fn folds_and_slugifies() {
        assert_eq!(fold("Zürich Ålesund"), "zurich alesund");
        assert_eq!(
            slugify("Netherlands Cancer Institute - Antoni van Leeuwenhoek"),
            "netherlands-cancer-institute-antoni-van-leeuwenhoek"
        );
        assert_eq!(slugify("  (GGD) Amsterdam!  "), "ggd-amsterdam");
        assert_eq!(slugify("日本"), "");
    }
}
