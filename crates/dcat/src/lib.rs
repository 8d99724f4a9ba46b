//! DCAT-AP 3 with the HealthDCAT-AP extensions: the hub's datasets as RDF graphs, and those
//! graphs in Turtle, JSON-LD and RDF/XML, written by oxrdfio. The graph states the class of
//! every IRI it gives as a value, as the DCAT-AP range shapes ask.

mod export;
mod import;
mod syntax;
mod vocabulary;

pub use export::{catalogue_graph, dataset_graph, dataset_iri, CatalogueInfo};
pub use import::{datasets, parse, ReadDataset};
pub use oxrdf::Graph;
pub use syntax::{write, RdfSyntax};

#[derive(Debug, thiserror::Error)]
pub enum DcatError {
    /// A value the hub holds is not a valid IRI where the graph needs one.
    #[error("{field}: {value:?} is not a valid IRI")]
    NotAnIri { field: &'static str, value: String },
    /// The bytes are not RDF in the syntax they were read as.
    #[error("this is not valid {syntax}: {reason}")]
    Invalid { syntax: &'static str, reason: String },
    /// A dataset given as a blank node cannot be found again by a later import.
    #[error("a dcat:Dataset has no IRI; the hub imports datasets by their IRIs")]
    NoIri,
    #[error("writing {syntax}: {source}")]
    Write { syntax: &'static str, source: std::io::Error },
}
