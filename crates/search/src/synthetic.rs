//! Synthetic organisations for benchmarks at sizes the real data does not reach (100,000
//! and 1,000,000). Names combine real-looking parts (places, founders' surnames, subjects,
//! kinds), descriptions are sentences on life-science subjects in English or Dutch.
//!
//! Every synthetic organisation is marked as such: its id, key and a facet say
//! `synthetic`. They exist only inside a benchmark's own index and databases and are never
//! written into a hub's database.

use crate::{EntityType, SearchDocument};

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
}

/// `count` synthetic organisations, numbered from 0, the same for the same `seed`.
pub fn synthetic_organisations(count: usize, seed: u64) -> impl Iterator<Item = SearchDocument> {
    let mut random = SplitMix(seed);
    (0..count).map(move |n| organisation(n, &mut random))
}

fn organisation(n: usize, random: &mut SplitMix) -> SearchDocument {
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
    let sentences = if random.next().is_multiple_of(3) { DUTCH_SENTENCES } else { ENGLISH_SENTENCES };
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
    SearchDocument {
        entity: EntityType::Organisation,
        id: format!("synthetic-{n}"),
        key: format!("synthetic-{n}"),
        title: name,
        aliases,
        body,
        facets: vec![
            ("kind", kind.to_owned()),
            ("city", place.to_owned()),
            ("country", country.to_owned()),
            ("source", "synthetic".to_owned()),
        ],
    }
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
