//! The soft-landing package as a PDF, written with the hub's PDF writer.

use super::package::Package;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pdf::Writer;

/// The package as PDF bytes, in the language of `t`.
pub fn render(package: &Package, t: &Translator) -> Result<Vec<u8>, AppError> {
    let title = t.t1("package-title", "company", package.company.clone());
    let mut w = Writer::new(&title, t.lang.code())?;
    w.line(18.0, &title);
    w.line(10.0, &t.t1("package-intro", "region", package.region.clone()));
    w.line(10.0, &format!("{}: {}", t.t("lead-sector"), package.sector));
    let sections = [
        ("package-facilities", "package-facilities-none", &package.facilities),
        ("package-calls", "package-calls-none", &package.calls),
    ];
    for (heading, none, entries) in sections {
        w.gap();
        w.line(14.0, &t.t(heading));
        if entries.is_empty() {
            w.line(10.0, &t.t(none));
        }
        for entry in entries {
            let note = if entry.note.is_empty() { String::new() } else { format!(" ({})", entry.note) };
            w.line(10.0, &format!("• {}{note}", entry.title));
            w.line(8.0, &format!("   {}", entry.url));
        }
    }
    w.gap();
    w.line(14.0, &t.t("package-programmes"));
    w.line(10.0, &t.t("package-programmes-none"));
    w.gap();
    w.line(14.0, &t.t("package-contacts"));
    for contact in &package.contacts {
        let line = match &contact.email {
            Some(email) => format!("• {} <{email}>", contact.name),
            None => format!("• {}", contact.name),
        };
        w.line(10.0, &line);
    }
    w.finish()
}
