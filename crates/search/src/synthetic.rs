//! Synthetic organisations for benchmarks at sizes the real data does not reach (100,000
//! and 1,000,000). Names combine real-looking parts (places, founders' surnames, subjects,
//! kinds), descriptions are sentences on life-science subjects in English or Dutch.
//!
//! Every synthetic organisation is marked as such: its id, key and a facet say
//! `synthetic`. They exist only inside a benchmark's own index and databases and are never
//! written into a hub's database. So are their sentence vectors ([`SyntheticVectors`]).

use std::collections::{BTreeSet, HashMap};

use crate::embedding::embedded_text;
use crate::{cosine, ModelError, SearchDocument, SentenceEncoder};

/// Places in the Netherlands and Flanders, with their country.
const PLACES: &[(&str, &str)] = &[
    ("Amsterdam", "NL"),
    ("Rotterdam", "NL"),
    ("Utrecht", "NL"),
    ("Leiden", "NL"),
    ("Groningen", "NL"),
    ("Nijmegen", "NL"),
    ("Maastricht", "NL"),
    ("Eindhoven", "NL"),
    ("Delft", "NL"),
    ("Wageningen", "NL"),
    ("Enschede", "NL"),
    ("Zwolle", "NL"),
    ("Haarlem", "NL"),
    ("Amersfoort", "NL"),
    ("Breda", "NL"),
    ("Tilburg", "NL"),
    ("Arnhem", "NL"),
    ("Almere", "NL"),
    ("Leeuwarden", "NL"),
    ("Den Bosch", "NL"),
    ("Hilversum", "NL"),
    ("Bilthoven", "NL"),
    ("Oss", "NL"),
    ("Heerlen", "NL"),
    ("Gent", "BE"),
    ("Antwerpen", "BE"),
    ("Leuven", "BE"),
    ("Brussel", "BE"),
    ("Hasselt", "BE"),
    ("Brugge", "BE"),
    ("Mechelen", "BE"),
    ("Kortrijk", "BE"),
];

const SURNAMES: &[&str] = &[
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Berg",
    "Peeters",
    "Maes",
    "Claes",
    "Wouters",
    "Willems",
    "Goossens",
    "Mertens",
    "Dubois",
    "Lambert",
    "Huygens",
    "Boerhaave",
    "Swammerdam",
    "Einthoven",
    "Kolff",
];

/// Subjects in English and Dutch.
const SUBJECTS: &[(&str, &str)] = &[
    ("Oncology", "Oncologie"),
    ("Cardiology", "Cardiologie"),
    ("Immunology", "Immunologie"),
    ("Genomics", "Genomica"),
    ("Neuroscience", "Neurowetenschappen"),
    ("Regenerative Medicine", "Regeneratieve Geneeskunde"),
    ("Medical Imaging", "Medische Beeldvorming"),
    ("Bioinformatics", "Bio-informatica"),
    ("Microbiome Research", "Microbioomonderzoek"),
    ("Vaccine Development", "Vaccinontwikkeling"),
    ("Rare Diseases", "Zeldzame Ziekten"),
    ("Diabetes Care", "Diabeteszorg"),
    ("Kidney Research", "Nieronderzoek"),
    ("Lung Health", "Longgezondheid"),
    ("Dementia Research", "Dementieonderzoek"),
    ("Mental Health", "Geestelijke Gezondheid"),
    ("Digital Health", "Digitale Zorg"),
    ("Medical AI", "Medische AI"),
    ("Proteomics", "Proteomics"),
    ("Cell Therapy", "Celtherapie"),
    ("Gene Therapy", "Gentherapie"),
    ("Drug Discovery", "Geneesmiddelenonderzoek"),
    ("Antimicrobial Resistance", "Antimicrobiële Resistentie"),
    ("Paediatrics", "Kindergeneeskunde"),
    ("Rehabilitation", "Revalidatie"),
    ("Public Health", "Volksgezondheid"),
    ("Nutrition", "Voeding"),
    ("Biobanking", "Biobanken"),
    ("Clinical Trials", "Klinische Studies"),
    ("Medical Devices", "Medische Hulpmiddelen"),
    ("Ophthalmology", "Oogheelkunde"),
    ("Dermatology", "Dermatologie"),
    ("Orthopaedics", "Orthopedie"),
    ("Radiotherapy", "Radiotherapie"),
    ("Precision Medicine", "Precisiegeneeskunde"),
    ("Structural Biology", "Structuurbiologie"),
    ("Synthetic Biology", "Synthetische Biologie"),
    ("Epidemiology", "Epidemiologie"),
    ("Health Economics", "Gezondheidseconomie"),
    ("Elderly Care", "Ouderenzorg"),
];

/// Name patterns per kind: `{place}`, `{surname}`, `{subject}`, `{subject_nl}`.
const KINDS: &[(&str, &[&str])] = &[
    (
        "company",
        &["{surname} {subject} B.V.", "{place} {subject} Solutions", "{subject} Labs {place}", "Nova {subject} N.V."],
    ),
    (
        "research-institute",
        &["{place} Institute for {subject}", "{surname} Centre for {subject}", "Instituut voor {subject_nl} {place}"],
    ),
    ("healthcare", &["{place} Medical Centre", "Ziekenhuis {surname}", "{surname} Kliniek voor {subject_nl}"]),
    ("nonprofit", &["Stichting {subject_nl} {place}", "{subject} Foundation {place}", "Vereniging {subject_nl}"]),
    ("education", &["{place} School of {subject}", "Hogeschool {place}", "{surname} Academy of {subject}"]),
];

const ENGLISH_SENTENCES: &[&str] = &[
    "{name} works on {subject} and {subject2} with hospitals and universities in the region.",
    "Based in {place}, {name} develops new methods in {subject} for patients and clinicians.",
    "The team combines {subject} with {subject2} to bring research from the lab to the clinic.",
    "{name} runs studies in {subject} and shares data with partners across Europe.",
];

const DUTCH_SENTENCES: &[&str] = &[
    "{name} werkt aan {subject_nl} en {subject2_nl} samen met ziekenhuizen en universiteiten in de regio.",
    "Vanuit {place} ontwikkelt {name} nieuwe methoden in {subject_nl} voor patiënten en artsen.",
    "Het team verbindt {subject_nl} met {subject2_nl} om onderzoek naar de kliniek te brengen.",
];

/// A small, fast, deterministic generator (SplitMix64): the same seed gives the same data.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    /// Two numbers uniform in -1..1.
    fn pair(&mut self) -> [f32; 2] {
        let bits = self.next();
        let uniform = |half: u64| (half as u32) as f32 / u32::MAX as f32 * 2.0 - 1.0;
        [uniform(bits), uniform(bits >> 32)]
    }
}

/// `count` synthetic organisations, numbered from 0, the same for the same `seed`.
pub fn synthetic_organisations(count: usize, seed: u64) -> impl Iterator<Item = SearchDocument> {
    generate(count, seed).map(|generated| generated.document)
}

/// A synthetic organisation and the second subject its description speaks of, in the
/// description's language.
struct Generated {
    document: SearchDocument,
    topic: &'static str,
}

fn generate(count: usize, seed: u64) -> impl Iterator<Item = Generated> {
    let mut random = SplitMix(seed);
    (0..count).map(move |n| organisation(n, &mut random))
}

/// How much the second subject counts against the name in a synthetic vector.
const TOPIC_WEIGHT: f32 = 0.5;

/// Largest noise added to each dimension of a synthetic vector (before unit length), so
/// that organisations with the same name and subject do not share one vector.
const NOISE: f32 = 0.02;

/// Texts encoded at once.
const BATCH: usize = 64;

/// SYNTHETIC sentence vectors for synthetic organisations, for benchmarks at sizes whose
/// texts would take hours to encode. The real model encodes each distinct name (about
/// 15,000) and subject once; an organisation's vector is its name's vector plus half its
/// description's second subject's vector plus a little noise, at unit length. They are the
/// model's vectors of life-science names, so they lie among the real organisations'
/// vectors and compete with them as neighbours, as real organisations of those names
/// would. [`SyntheticVectors::fidelity`] says how close they come to the model's vector of
/// each whole text.
pub struct SyntheticVectors<'a> {
    encoder: &'a SentenceEncoder,
    /// The model's vectors of subjects and of names, by text.
    topics: HashMap<&'static str, Vec<f32>>,
    names: HashMap<String, Vec<f32>>,
}

impl<'a> SyntheticVectors<'a> {
    pub fn new(encoder: &'a SentenceEncoder) -> Self {
        Self { encoder, topics: HashMap::new(), names: HashMap::new() }
    }

    /// The first `count` organisations of [`synthetic_organisations`] with `seed`, each with
    /// its synthetic vector.
    pub fn organisations(&mut self, count: usize, seed: u64) -> Result<Vec<(SearchDocument, Vec<f32>)>, ModelError> {
        let generated: Vec<Generated> = generate(count, seed).collect();
        let topics: BTreeSet<&'static str> =
            generated.iter().map(|g| g.topic).filter(|t| !self.topics.contains_key(t)).collect();
        let topics: Vec<&'static str> = topics.into_iter().collect();
        for batch in topics.chunks(BATCH) {
            self.topics.extend(batch.iter().copied().zip(self.encoder.encode_passages(batch)?));
        }
        let names: BTreeSet<&str> = generated
            .iter()
            .map(|g| g.document.title.as_str())
            .filter(|name| !self.names.contains_key(*name))
            .collect();
        let names: Vec<&str> = names.into_iter().collect();
        for batch in names.chunks(BATCH) {
            self.names.extend(batch.iter().map(|name| (*name).to_owned()).zip(self.encoder.encode_passages(batch)?));
        }
        let mut noise = SplitMix(seed.rotate_left(32));
        Ok(generated
            .into_iter()
            .map(|Generated { document, topic }| {
                let vector = match (self.names.get(&document.title), self.topics.get(topic)) {
                    (Some(name), Some(topic)) => mix(name, topic, &mut noise),
                    // Both were encoded above; an encoder that returned fewer vectors than
                    // texts leaves the organisation without one, so it is found lexically.
                    _ => Vec::new(),
                };
                (document, vector)
            })
            .collect())
    }

    /// How realistic the synthetic vectors are, over the first `sample` organisations: the
    /// mean cosine similarity of each synthetic vector to the model's vector of the same
    /// organisation's whole text, and, for scale, to that of the next organisation's text.
    pub fn fidelity(&mut self, sample: usize, seed: u64) -> Result<(f32, f32), ModelError> {
        let synthetic = self.organisations(sample, seed)?;
        let texts: Vec<String> = synthetic.iter().map(|(document, _)| embedded_text(document)).collect();
        let mut encoded = Vec::with_capacity(texts.len());
        for batch in texts.chunks(BATCH) {
            let batch: Vec<&str> = batch.iter().map(String::as_str).collect();
            encoded.extend(self.encoder.encode_passages(&batch)?);
        }
        let count = synthetic.len().min(encoded.len()).max(1) as f32;
        let same: f32 = synthetic.iter().zip(&encoded).map(|((_, v), e)| cosine(v, e)).sum();
        let next: f32 = synthetic.iter().zip(encoded.iter().cycle().skip(1)).map(|((_, v), e)| cosine(v, e)).sum();
        Ok((same / count, next / count))
    }
}

/// `name + TOPIC_WEIGHT * topic + noise`, at unit length.
fn mix(name: &[f32], topic: &[f32], random: &mut SplitMix) -> Vec<f32> {
    let mut vector: Vec<f32> = name.iter().zip(topic).map(|(n, t)| n + TOPIC_WEIGHT * t).collect();
    for pair in vector.chunks_mut(2) {
        for (x, noise) in pair.iter_mut().zip(random.pair()) {
            *x += NOISE * noise;
        }
    }
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt().max(f32::MIN_POSITIVE);
    vector.iter_mut().for_each(|x| *x /= norm);
    vector
}

fn organisation(n: usize, random: &mut SplitMix) -> Generated {
    let (place, country) = *random.pick(PLACES);
    let surname = *random.pick(SURNAMES);
    let (subject, subject_nl) = *random.pick(SUBJECTS);
    let (subject2, subject2_nl) = *random.pick(SUBJECTS);
    let (kind, patterns) = *random.pick(KINDS);
    let fill = |pattern: &str, name: &str| {
        pattern
            .replace("{name}", name)
            .replace("{place}", place)
            .replace("{surname}", surname)
            .replace("{subject2_nl}", &subject2_nl.to_lowercase())
            .replace("{subject2}", &subject2.to_lowercase())
            .replace("{subject_nl}", subject_nl)
            .replace("{subject}", subject)
    };
    let pattern = *random.pick(patterns);
    let name = fill(pattern, "");
    let dutch = random.next().is_multiple_of(3);
    let sentences = if dutch { DUTCH_SENTENCES } else { ENGLISH_SENTENCES };
    let body = (0..1 + random.next() % 3)
        .map(|_| {
            let sentence = *random.pick(sentences);
            fill(sentence, &name)
        })
        .collect::<Vec<_>>()
        .join(" ");
    let initials: String =
        name.split_whitespace().filter_map(|w| w.chars().next()).filter(|c| c.is_uppercase()).collect();
    let aliases = if initials.len() >= 3 { vec![initials] } else { Vec::new() };
    let document = SearchDocument {
        entity: &lshub_domain::content::ORGANISATION,
        id: format!("synthetic-{n}"),
        key: format!("synthetic-{n}"),
        title: name,
        aliases,
        legal_names: Vec::new(),
        body,
        facets: vec![
            ("kind", kind.to_owned()),
            ("city", place.to_owned()),
            ("country", country.to_owned()),
            ("source", "synthetic".to_owned()),
        ],
    };
    Generated { document, topic: if dutch { subject2_nl } else { subject2 } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_organisations_are_marked_varied_and_repeatable() {
        let first: Vec<SearchDocument> = synthetic_organisations(1000, 7).collect();
        assert_eq!(first, synthetic_organisations(1000, 7).collect::<Vec<_>>(), "the same seed, the same data");
        assert!(first
            .iter()
            .all(|d| d.id.starts_with("synthetic-") && d.facets.contains(&("source", "synthetic".into()))));
        let names: std::collections::HashSet<&str> = first.iter().map(|d| d.title.as_str()).collect();
        assert!(names.len() > 600, "names vary: {}", names.len());
        assert!(first.iter().all(|d| !d.title.contains('{') && !d.body.contains('{')), "every placeholder filled");
        assert!(first.iter().any(|d| d.body.contains("werkt aan") || d.body.contains("ontwikkelt")), "some Dutch");
    }
}
