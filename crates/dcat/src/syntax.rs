//! The serialisations the catalogue is published in, and which one a request's `Accept`
//! header asks for.

use oxrdf::Graph;
use oxrdfio::{JsonLdProfileSet, RdfFormat, RdfSerializer};

use crate::vocabulary::PREFIXES;
use crate::DcatError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfSyntax {
    Turtle,
    JsonLd,
    RdfXml,
}

impl RdfSyntax {
    pub const ALL: [RdfSyntax; 3] = [RdfSyntax::Turtle, RdfSyntax::JsonLd, RdfSyntax::RdfXml];

    pub fn media_type(self) -> &'static str {
        match self {
            RdfSyntax::Turtle => "text/turtle",
            RdfSyntax::JsonLd => "application/ld+json",
            RdfSyntax::RdfXml => "application/rdf+xml",
        }
    }

    /// The file extension of `/catalogue.{extension}`.
    pub fn extension(self) -> &'static str {
        match self {
            RdfSyntax::Turtle => "ttl",
            RdfSyntax::JsonLd => "jsonld",
            RdfSyntax::RdfXml => "rdf",
        }
    }

    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.extension() == extension)
    }

    /// The syntax of a file by its name (`.ttl`, `.jsonld`, `.rdf`, each also gzipped), else
    /// by how its text begins.
    pub fn guess(name: &str, text: &str) -> Self {
        let name = name.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        match name.rsplit_once('.').map(|(_, extension)| extension) {
            Some("ttl" | "turtle" | "nt") => RdfSyntax::Turtle,
            Some("jsonld" | "json") => RdfSyntax::JsonLd,
            Some("rdf" | "xml" | "owl") => RdfSyntax::RdfXml,
            _ => {
                let start = text.trim_start();
                if start.starts_with('{') || start.starts_with('[') {
                    RdfSyntax::JsonLd
                } else if start.starts_with("<?xml") || start.starts_with("<rdf:RDF") {
                    RdfSyntax::RdfXml
                } else {
                    RdfSyntax::Turtle
                }
            }
        }
    }

    /// The syntax of a `Content-Type`, if it is one of the three.
    pub fn from_media_type(content_type: &str) -> Option<Self> {
        let media = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|s| s.media_type() == media)
    }

    pub(crate) fn format(self) -> RdfFormat {
        match self {
            RdfSyntax::Turtle => RdfFormat::Turtle,
            RdfSyntax::JsonLd => RdfFormat::JsonLd { profile: JsonLdProfileSet::empty() },
            RdfSyntax::RdfXml => RdfFormat::RdfXml,
        }
    }

    /// The RDF syntax an `Accept` header prefers over HTML, if any. Media ranges are weighed
    /// by their `q`; on a tie HTML wins, so browsers sending `*/*` get the page.
    pub fn from_accept(accept: &str) -> Option<Self> {
        let mut best_rdf: Option<(RdfSyntax, f32)> = None;
        let mut html = 0.0_f32;
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            match media.as_str() {
                "text/html" | "application/xhtml+xml" | "*/*" | "text/*" => html = html.max(q),
                _ => {
                    if let Some(syntax) = Self::ALL.into_iter().find(|s| s.media_type() == media) {
                        if q > 0.0 && best_rdf.is_none_or(|(_, best)| q > best) {
                            best_rdf = Some((syntax, q));
                        }
                    }
                }
            }
        }
        best_rdf.filter(|(_, q)| *q > html).map(|(syntax, _)| syntax)
    }
}

/// The graph in `syntax`, with the vocabularies' usual prefixes where the syntax has them.
pub fn write(graph: &Graph, syntax: RdfSyntax) -> Result<Vec<u8>, DcatError> {
    let failed = |source| DcatError::Write { syntax: syntax.media_type(), source };
    let mut serializer = RdfSerializer::from_format(syntax.format());
    for (prefix, namespace) in PREFIXES {
        serializer = serializer
            .with_prefix(prefix, namespace)
            .map_err(|e| failed(std::io::Error::new(std::io::ErrorKind::InvalidInput, e)))?;
    }
    let mut writer = serializer.for_writer(Vec::new());
    for triple in graph {
        writer.serialize_triple(triple).map_err(failed)?;
    }
    writer.finish().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::RdfSyntax;

    #[test]
    fn files_are_read_in_the_syntax_their_name_or_start_shows() {
        assert_eq!(RdfSyntax::guess("catalogue.ttl.gz", ""), RdfSyntax::Turtle);
        assert_eq!(RdfSyntax::guess("Catalogue.JSONLD", ""), RdfSyntax::JsonLd);
        assert_eq!(RdfSyntax::guess("export.rdf", ""), RdfSyntax::RdfXml);
        assert_eq!(RdfSyntax::guess("download", " {\"@context\": {}}"), RdfSyntax::JsonLd);
        assert_eq!(RdfSyntax::guess("download", "<?xml version=\"1.0\"?>"), RdfSyntax::RdfXml);
        assert_eq!(RdfSyntax::guess("download", "<http://a> <http://b> <http://c> ."), RdfSyntax::Turtle);
        assert_eq!(RdfSyntax::from_media_type("text/turtle; charset=utf-8"), Some(RdfSyntax::Turtle));
        assert_eq!(RdfSyntax::from_media_type("text/html"), None);
    }

    #[test]
    fn browsers_get_the_page_and_rdf_clients_the_graph() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(RdfSyntax::from_accept(browser), None);
        assert_eq!(RdfSyntax::from_accept("*/*"), None);
        assert_eq!(RdfSyntax::from_accept("text/turtle"), Some(RdfSyntax::Turtle));
        assert_eq!(RdfSyntax::from_accept("application/ld+json, text/html;q=0.5"), Some(RdfSyntax::JsonLd));
        assert_eq!(
            RdfSyntax::from_accept("text/turtle;q=0.5, application/rdf+xml;q=0.9, */*;q=0.1"),
            Some(RdfSyntax::RdfXml)
        );
        assert_eq!(RdfSyntax::from_accept("text/turtle;q=0"), None);
        assert_eq!(RdfSyntax::from_accept("text/turtle;q=0.5, text/html"), None);
    }
}
