//! Organisation resolution: which organisation in the hub a free-text affiliation or name
//! means ("Dept. of Cardiology, UMC Utrecht, the Netherlands" → University Medical Center
//! Utrecht), with a confidence in [0, 1], or none when nothing is close enough.
//!
//! Names are compared word by word after mapping Dutch, French and German words to one
//! English form ("Universitair Medisch Centrum" = "University Medical Center"), splitting
//! Dutch compounds ("Kinderziekenhuis" = "Kinder" + "Ziekenhuis") and expanding common
//! abbreviations ("UMC", "TU"). Words weigh by how rare they are among all names, so that
//! "Erasmus" counts more than "University". Acronyms ("NKI-AVL", "LUMC") match the initials
//! of a run of words of a name in English or Dutch. An affiliation is read in its
//! comma-separated parts; the best-matching part names the organisation and the others
//! give city and country hints.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use utoipa::ToSchema;

use crate::{EntityType, SearchDocument};

/// The confidence at and above which a candidate is taken as the organisation meant.
/// Chosen on the judged set in `eval/affiliations.tsv` (see `affiliations_are_resolved`).
pub const CONFIDENCE_THRESHOLD: f32 = 0.6;

/// Longer texts are cut here; no affiliation is longer.
const MAX_CHARS: usize = 1_000;

/// Groups of words that mean the same in names; the first word of a group is its English
/// form, the second its Dutch form (whose initial letter Dutch acronyms use).
const EQUIVALENTS: &[&[&str]] = &[
    &["university", "universiteit", "universitair", "universitaire", "universite", "universitat", "univ", "uni"],
    &["medical", "medisch", "medische", "medisches", "medicale", "med"],
    &["center", "centrum", "centre", "centers", "centres", "centra", "ctr", "zentrum"],
    &["hospital", "ziekenhuis", "ziekenhuizen", "hopital", "hospitals", "gasthuis", "krankenhaus", "zkh"],
    &["clinic", "kliniek", "clinique", "klinik", "clinics", "klinieken"],
    &["academic", "academisch", "academische", "academique", "akademisch"],
    &["institute", "instituut", "institut", "institutes", "inst", "istituto"],
    &["netherlands", "nederland", "nederlands", "nederlandse", "dutch", "niederlande", "pays-bas"],
    &["belgium", "belgie", "belgique", "belgien"],
    &["cancer", "kanker", "krebs"],
    &["research", "onderzoek", "recherche", "forschung"],
    &["foundation", "stichting", "fondation", "stiftung"],
    &["fund", "fonds"],
    &["association", "vereniging", "vereeniging"],
    &["national", "nationaal", "nationale"],
    &["health", "gezondheid", "sante", "gesundheit"],
    &["healthcare", "gezondheidszorg", "zorg"],
    &["children", "kinder", "kinderen", "child", "childrens", "enfants"],
    &["sciences", "wetenschappen", "science", "wetenschap"],
    &["technology", "technische", "technisch", "technical", "technological", "technologie"],
    &["catholic", "katholieke", "katholiek", "catholique"],
    &["free", "vrije", "libre"],
    &["laboratory", "laboratorium", "laboratoire", "lab", "labo", "laboratories"],
    &["department", "afdeling", "departement", "dept", "dep"],
    &["faculty", "faculteit", "faculte", "fakultat"],
    &["saint", "sint", "st"],
    &["royal", "koninklijk", "koninklijke", "royale"],
    &["society", "maatschappij", "genootschap", "societe"],
    &["applied", "toegepaste", "toegepast"],
    &["public", "volks", "publieke", "openbare"],
    &["blood", "bloed"],
    &["heart", "hart"],
    &["eye", "oog", "oogziekenhuis"],
    &["brain", "hersenen", "hersen"],
    &["organisation", "organisatie", "organization", "organisations"],
    &["scientific", "wetenschappelijk", "wetenschappelijke", "scientifique"],
    &["princess", "prinses", "princesse"],
    &["queen", "koningin", "reine"],
    &["tropical", "tropische", "tropicale"],
    &["medicine", "geneeskunde", "medecine", "medizin"],
    &["oncology", "oncologie"],
    &["environment", "milieu"],
    &["ghent", "gent", "gand"],
    &["brussels", "brussel", "bruxelles"],
    &["antwerp", "antwerpen", "anvers"],
    &["hague", "haag", "gravenhage"],
    &["liege", "luik"],
];

/// Words that stand for several words ("UMC" is a University Medical Center).
const EXPANSIONS: &[(&str, &[&str])] = &[
    ("umc", &["university", "medical", "center"]),
    ("umcs", &["university", "medical", "center"]),
    ("tu", &["technology", "university"]),
    ("uz", &["university", "hospital"]),
    ("mc", &["medical", "center"]),
    ("rijksuniversiteit", &["university"]),
    ("rijksinstituut", &["national", "institute"]),
    ("volksgezondheid", &["public", "health"]),
];

/// Runs of (English) words that name one thing: a Dutch "hogeschool" calls itself a
/// university of applied sciences in English. (A Belgian one may say "university college",
/// but so do colleges that are no hogeschool, such as Amsterdam University College.)
const PHRASES: &[(&[&str], &str)] = &[(&["university", "applied", "sciences"], "hogeschool")];

/// Words that carry no name: left out of the comparison and of acronyms' word counts.
const STOP_WORDS: &[&str] = &[
    "of", "the", "and", "for", "in", "at", "on", "van", "de", "het", "der", "den", "en", "voor", "te", "op", "des",
    "du", "la", "le", "les", "et", "fur", "und", "a", "an", "s", "d", "l", "di", "y", "el",
];

/// Words of affiliations that say where inside an organisation someone works; they count
/// little when they do not occur in a name.
const UNIT_WORDS: &[&str] = &["department", "faculty", "division", "section", "unit", "group", "laboratory", "chair"];

/// Country names as people write them, by ISO code. Mentioning another country than an
/// organisation's lowers the confidence.
const COUNTRIES: &[(&str, &[&str])] = &[
    ("NL", &["netherlands", "holland"]),
    ("BE", &["belgium"]),
    ("DE", &["germany", "deutschland"]),
    ("FR", &["france"]),
    ("GB", &["uk", "england", "scotland", "wales", "britain"]),
    ("US", &["usa", "america"]),
    ("CH", &["switzerland", "schweiz", "suisse"]),
    ("ES", &["spain", "espana"]),
    ("IT", &["italy", "italia"]),
    ("SE", &["sweden"]),
    ("DK", &["denmark"]),
    ("NO", &["norway"]),
    ("AT", &["austria"]),
    ("CA", &["canada"]),
    ("CN", &["china"]),
    ("JP", &["japan"]),
    ("AU", &["australia"]),
    ("LU", &["luxembourg"]),
    ("FI", &["finland"]),
    ("IE", &["ireland"]),
    ("PT", &["portugal"]),
    ("PL", &["poland"]),
];

/// The word pipeline shared by names and queries.
struct Lexicon {
    /// Every known form → its English form.
    canonical: HashMap<&'static str, &'static str>,
    /// English form → the initial of its Dutch form.
    dutch_initial: HashMap<&'static str, char>,
    /// Forms long enough to end a Dutch compound ("kinderziekenhuis").
    compound_ends: Vec<&'static str>,
    stop_words: HashSet<&'static str>,
}

impl Lexicon {
    fn new() -> Self {
        let mut canonical = HashMap::new();
        let mut dutch_initial = HashMap::new();
        let mut compound_ends = Vec::new();
        for group in EQUIVALENTS {
            let english = group[0];
            for form in *group {
                canonical.insert(*form, english);
                if form.len() >= 5 {
                    compound_ends.push(*form);
                }
            }
            if let Some(initial) = group.get(1).and_then(|dutch| dutch.chars().next()) {
                dutch_initial.insert(english, initial);
            }
        }
        // Not a translated word, but a common end of Dutch names ("Erasmushogeschool").
        compound_ends.push("hogeschool");
        // Longest first, so that "ziekenhuis" wins over "huis"-like shorter endings.
        compound_ends.sort_by_key(|e| std::cmp::Reverse(e.len()));
        Self { canonical, dutch_initial, compound_ends, stop_words: STOP_WORDS.iter().copied().collect() }
    }

    /// The English forms one folded word stands for.
    fn expand(&self, word: &str, out: &mut Vec<String>) {
        if let Some((_, expansion)) = EXPANSIONS.iter().find(|(w, _)| *w == word) {
            out.extend(expansion.iter().map(|w| (*w).to_owned()));
            return;
        }
        if let Some(english) = self.canonical.get(word) {
            out.push((*english).to_owned());
            return;
        }
        for end in &self.compound_ends {
            if let Some(start) = word.strip_suffix(end).filter(|s| s.len() >= 3) {
                self.expand(start.trim_end_matches('s').trim_end_matches('-'), out);
                self.expand(end, out);
                return;
            }
        }
        out.push(word.to_owned());
    }

    /// The words of `text`, folded and in English form, each with whether it was written
    /// like an acronym (two or more capitals, as in "NKI" or "VUmc").
    fn words(&self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        for raw in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            let folded = fold(raw);
            let capitals = raw.chars().filter(|c| c.is_uppercase()).count();
            let acronym_like = (2..=6).contains(&raw.chars().count()) && capitals >= 2;
            let mut forms = Vec::new();
            self.expand(&folded, &mut forms);
            for form in forms {
                let stop = self.stop_words.contains(form.as_str());
                words.push(Word { text: form, typed: raw.to_owned(), stop, acronym_like });
            }
        }
        apply_phrases(words)
    }

    fn initial(&self, word: &str, dutch: bool) -> Option<char> {
        if dutch {
            if let Some(initial) = self.dutch_initial.get(word) {
                return Some(*initial);
            }
        }
        word.chars().next()
    }
}

#[derive(Debug, Clone)]
struct Word {
    /// Folded, in English form.
    text: String,
    /// As written.
    typed: String,
    stop: bool,
    acronym_like: bool,
}

fn apply_phrases(words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    let mut i = 0;
    'words: while i < words.len() {
        for (phrase, replacement) in PHRASES {
            let content: Vec<usize> = (i..words.len()).filter(|&j| !words[j].stop).take(phrase.len()).collect();
            let matches = content.len() == phrase.len()
                && content.iter().zip(phrase.iter()).all(|(&j, p)| words[j].text == *p)
                && content.first() == Some(&i);
            if let (true, Some(&last)) = (matches, content.last()) {
                let typed = words[i..=last].iter().map(|w| w.typed.as_str()).collect::<Vec<_>>().join(" ");
                out.push(Word { text: (*replacement).to_owned(), typed, stop: false, acronym_like: false });
                i = last + 1;
                continue 'words;
            }
        }
        out.push(words[i].clone());
        i += 1;
    }
    out
}

/// Lower case without accents: "Université" → "universite".
fn fold(text: &str) -> String {
    text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// One way an organisation is named: its name, an alias, or a name in another language.
struct Variant {
    organisation: u32,
    text: String,
    /// Word ids, stop words left out.
    words: Vec<u32>,
}

/// A run of words of a variant that an acronym stands for: (variant, first word, words).
type AcronymRun = (u32, u8, u8);

struct Candidate {
    id: String,
    key: String,
    name: String,
    city_words: Vec<u32>,
    country: Option<String>,
}

/// Resolves free text to organisations; built once from the organisations' search documents.
pub struct Resolver {
    lexicon: Lexicon,
    organisations: Vec<Candidate>,
    variants: Vec<Variant>,
    vocabulary: HashMap<String, u32>,
    /// Per word id: how rare the word is among names (inverse document frequency).
    weights: Vec<f32>,
    /// Per word id: the variants holding it.
    postings: Vec<Vec<u32>>,
    /// Per word id: how many organisations' names hold it.
    owners: Vec<u32>,
    /// Initials of runs of two to six words (English and Dutch forms) → (variant, first
    /// word, word count).
    acronyms: HashMap<String, Vec<AcronymRun>>,
    /// Word ids that are some organisation's city.
    cities: HashSet<u32>,
    /// Folded country words → ISO code.
    countries: HashMap<&'static str, &'static str>,
}

/// A candidate organisation for a text, with how sure the resolver is.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    /// The organisation's ROR URL, else its slug.
    pub id: String,
    /// The key of the organisation's page in the hub (its slug).
    #[serde(skip)]
    pub key: String,
    pub name: String,
    /// 0 to 1; at or above the threshold the organisation is taken as the one meant.
    pub confidence: f32,
    /// The name, alias or label of the organisation that matched best.
    pub matched_name: String,
    /// The words of the text that matched that name, as written.
    pub matched_words: Vec<String>,
    /// The text names the organisation's city.
    pub city_hint: bool,
    /// The text names a country other than the organisation's.
    pub other_country: bool,
}

/// The answer for one text: the organisation meant, if any is close enough, and the
/// closest candidates.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ResolveOutcome {
    /// The organisation meant, or null when none is close enough.
    #[serde(rename = "match")]
    pub best: Option<Resolution>,
    /// The closest organisations, best first, the match included.
    pub candidates: Vec<Resolution>,
}

/// How many variants are compared in full per part of a text.
const SHORTLIST: usize = 300;

impl Resolver {
    /// Builds the resolver from search documents; those of other entity types are skipped.
    pub fn new<'a>(documents: impl IntoIterator<Item = &'a SearchDocument>) -> Self {
        let lexicon = Lexicon::new();
        let mut resolver = Resolver {
            organisations: Vec::new(),
            variants: Vec::new(),
            vocabulary: HashMap::new(),
            weights: Vec::new(),
            postings: Vec::new(),
            owners: Vec::new(),
            acronyms: HashMap::new(),
            cities: HashSet::new(),
            countries: COUNTRIES.iter().flat_map(|(code, names)| names.iter().map(move |n| (*n, *code))).collect(),
            lexicon,
        };
        for document in documents.into_iter().filter(|d| EntityType(d.entity) == EntityType::ORGANISATION) {
            resolver.add(document);
        }
        let total = resolver.variants.len().max(1) as f32;
        resolver.weights =
            resolver.postings.iter().map(|variants| (1.0 + total / (variants.len().max(1) as f32)).ln()).collect();
        let variants = &resolver.variants;
        resolver.owners = resolver
            .postings
            .iter()
            .map(|list| list.iter().map(|v| variants[*v as usize].organisation).collect::<HashSet<_>>().len() as u32)
            .collect();
        resolver
    }

    fn word_id(&mut self, word: &str) -> u32 {
        if let Some(id) = self.vocabulary.get(word) {
            return *id;
        }
        let id = self.postings.len() as u32;
        self.vocabulary.insert(word.to_owned(), id);
        self.postings.push(Vec::new());
        id
    }

    fn add(&mut self, document: &SearchDocument) {
        let organisation = self.organisations.len() as u32;
        let facet = |name: &str| document.facets.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        let city_words: Vec<u32> = facet("city")
            .map(|city| self.lexicon.words(&city).into_iter().filter(|w| !w.stop).map(|w| w.text).collect::<Vec<_>>())
            .unwrap_or_default()
            .iter()
            .map(|w| self.word_id(w))
            .collect();
        self.cities.extend(city_words.iter().copied());
        self.organisations.push(Candidate {
            id: document.id.clone(),
            key: document.key.clone(),
            name: document.title.clone(),
            city_words,
            country: facet("country"),
        });
        let mut seen: HashSet<Vec<u32>> = HashSet::new();
        let names: Vec<&String> =
            std::iter::once(&document.title).chain(&document.aliases).chain(&document.legal_names).collect();
        for text in names {
            self.add_variant(organisation, text, &mut seen);
            // "Hubrecht Institute for Developmental Biology ..." is known as "Hubrecht Institute".
            if let Some(head) = short_form(text) {
                self.add_variant(organisation, head, &mut seen);
            }
        }
    }

    fn add_variant(&mut self, organisation: u32, text: &str, seen: &mut HashSet<Vec<u32>>) {
        let words = self.lexicon.words(text);
        let ids: Vec<u32> =
            words.iter().filter(|w| !w.stop).map(|w| w.text.clone()).map(|w| self.word_id(&w)).collect();
        if ids.is_empty() || !seen.insert(ids.clone()) {
            return;
        }
        let variant = self.variants.len() as u32;
        for id in ids.iter().collect::<HashSet<_>>() {
            self.postings[*id as usize].push(variant);
        }
        self.add_acronyms(variant, &words);
        self.variants.push(Variant { organisation, text: text.to_owned(), words: ids });
    }

    /// Registers the initials of every run of two to six content words, in English and in
    /// Dutch forms, with and without the stop words inside the run ("Antoni van
    /// Leeuwenhoek" is AVL).
    fn add_acronyms(&mut self, variant: u32, words: &[Word]) {
        let content: Vec<usize> = (0..words.len()).filter(|&i| !words[i].stop).collect();
        for start in 0..content.len() {
            for end in start + 1..content.len().min(start + 6) {
                for dutch in [false, true] {
                    let initials = |with_stop: bool| -> Option<String> {
                        (content[start]..=content[end])
                            .filter(|&i| with_stop || !words[i].stop)
                            .map(|i| self.lexicon.initial(&words[i].text, dutch))
                            .collect()
                    };
                    let runs = [initials(false), initials(true)];
                    for acronym in runs.into_iter().flatten().collect::<HashSet<_>>() {
                        let entry = (variant, start as u8, (end - start + 1) as u8);
                        let list = self.acronyms.entry(acronym).or_default();
                        if !list.contains(&entry) {
                            list.push(entry);
                        }
                    }
                }
            }
        }
    }

    /// The resolver over every organisation in the database, known also by the legal
    /// names of the EU project participants linked to it.
    pub async fn from_database(db: &lshub_storage::Database) -> Result<Self, crate::SearchError> {
        let documents = crate::organisation_documents(db).await?;
        Ok(Self::new(documents.iter()))
    }

    pub fn len(&self) -> usize {
        self.organisations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.organisations.is_empty()
    }

    fn weight(&self, id: u32) -> f32 {
        self.weights.get(id as usize).copied().unwrap_or(1.0)
    }

    /// The organisation `text` names, if one is close enough, and up to `limit` candidates.
    pub fn resolve(&self, text: &str, limit: usize) -> ResolveOutcome {
        let text: String = text.chars().take(MAX_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect();
        let all_words = self.lexicon.words(&text);
        let mentioned_countries: HashSet<&str> = self.mentioned_countries(&all_words);
        let mentioned_cities: HashSet<u32> = all_words
            .iter()
            .filter_map(|w| self.vocabulary.get(&w.text))
            .filter(|id| self.cities.contains(id))
            .copied()
            .collect();

        // Best similarity per organisation over the parts of the text and the variants.
        let mut best: HashMap<u32, Scored> = HashMap::new();
        for part in parts(&text) {
            let words: Vec<Word> = self.lexicon.words(part).into_iter().filter(|w| !w.stop).collect();
            if words.is_empty() || self.is_only_place(&words) {
                continue;
            }
            for scored in self.score_part(&words) {
                let organisation = self.variants[scored.variant as usize].organisation;
                let entry = best.entry(organisation).or_insert_with(|| scored.clone());
                if scored.similarity > entry.similarity {
                    *entry = scored;
                }
            }
        }
        let mut ranked: Vec<(u32, Scored, f32, bool, bool)> = best
            .into_iter()
            .map(|(organisation, scored)| {
                let candidate = &self.organisations[organisation as usize];
                let city_hint = candidate.city_words.iter().any(|w| mentioned_cities.contains(w));
                let other_city = !city_hint && !mentioned_cities.is_empty();
                let other_country = !mentioned_countries.is_empty()
                    && candidate.country.as_deref().is_some_and(|c| !mentioned_countries.contains(c));
                let mut score = scored.similarity;
                if city_hint {
                    score = (score + 0.05).min(1.0);
                } else if other_city {
                    score *= 0.85;
                }
                if other_country {
                    score *= 0.4;
                }
                (organisation, scored, score, city_hint, other_country)
            })
            .collect();
        ranked.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        // A close runner-up makes the best less certain: "Erasmus" alone could be several.
        let margin = match (ranked.first(), ranked.get(1)) {
            (Some(first), Some(second)) => first.2 - second.2,
            (Some(_), None) => 1.0,
            _ => 0.0,
        };
        let mut certainty = 0.6 + 0.4 * (margin / 0.15).clamp(0.0, 1.0);
        // When the words that matched part of the best name also occur in other candidates'
        // names, the text does not tell them apart: "Erasmus" names a hospital, a medical
        // centre and a university.
        if let Some((_, top, _, _, _)) = ranked.first().filter(|(_, top, _, _, _)| top.of_variant < 0.999) {
            let shared = ranked
                .iter()
                .skip(1)
                .take(10)
                .any(|(_, other, _, _, _)| top.matched_words.iter().all(|w| other.matched_words.contains(w)));
            if shared {
                certainty *= top.of_variant;
            }
        }
        let candidates: Vec<Resolution> = ranked
            .into_iter()
            .take(limit)
            .enumerate()
            .map(|(rank, (organisation, scored, score, city_hint, other_country))| {
                let candidate = &self.organisations[organisation as usize];
                let confidence = if rank == 0 { score * certainty } else { score * certainty.min(0.6) };
                Resolution {
                    id: candidate.id.clone(),
                    key: candidate.key.clone(),
                    name: candidate.name.clone(),
                    confidence: (confidence * 1000.0).round() / 1000.0,
                    matched_name: self.variants[scored.variant as usize].text.clone(),
                    matched_words: scored.matched_words,
                    city_hint,
                    other_country,
                }
            })
            .collect();
        let best = candidates.first().filter(|c| c.confidence >= CONFIDENCE_THRESHOLD).cloned();
        ResolveOutcome { best, candidates }
    }

    fn mentioned_countries(&self, words: &[Word]) -> HashSet<&'static str> {
        let mut found: HashSet<&'static str> =
            words.iter().filter_map(|w| self.countries.get(w.text.as_str()).copied()).collect();
        for pair in words.windows(2) {
            match (pair[0].text.as_str(), pair[1].text.as_str()) {
                ("united", "states") => found.insert("US"),
                ("united", "kingdom") => found.insert("GB"),
                _ => false,
            };
        }
        found
    }

    /// A part that is only a city or a country ("Leiden", "the Netherlands") is a hint, not
    /// a name.
    fn is_only_place(&self, words: &[Word]) -> bool {
        words.iter().all(|w| {
            self.countries.contains_key(w.text.as_str())
                || matches!(w.text.as_str(), "united" | "states" | "kingdom")
                || self.vocabulary.get(&w.text).is_some_and(|id| self.cities.contains(id))
                || w.text.chars().all(|c| c.is_ascii_digit())
        })
    }

    /// Compares one part of a text with the variants that share a word or an acronym with it.
    fn score_part(&self, words: &[Word]) -> Vec<Scored> {
        // The part's words as ids, with close spellings for unknown words ("Erasmsu").
        let ids: Vec<Vec<(u32, f32)>> = words.iter().map(|w| self.lookup(&w.text)).collect();
        let mut shortlist: HashMap<u32, f32> = HashMap::new();
        for alternatives in &ids {
            for (id, closeness) in alternatives {
                for variant in &self.postings[*id as usize] {
                    *shortlist.entry(*variant).or_default() += self.weight(*id) * closeness;
                }
            }
        }
        let mut acronym_hits: Vec<(usize, &[AcronymRun])> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let may_be_acronym = word.acronym_like || (ids[i].is_empty() && (2..=6).contains(&word.text.len()));
            if let Some(runs) = self.acronyms.get(&word.text).filter(|_| may_be_acronym) {
                for (variant, _, _) in runs.iter() {
                    *shortlist.entry(*variant).or_default() += 1.0;
                }
                acronym_hits.push((i, runs));
            }
        }
        let mut shortlist: Vec<(u32, f32)> = shortlist.into_iter().collect();
        shortlist.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        shortlist.truncate(SHORTLIST);
        shortlist.into_iter().map(|(variant, _)| self.similarity(variant, words, &ids, &acronym_hits)).collect()
    }

    /// Known word ids for a word: itself, or words one or two letters apart for longer words.
    fn lookup(&self, word: &str) -> Vec<(u32, f32)> {
        if let Some(id) = self.vocabulary.get(word) {
            return vec![(*id, 1.0)];
        }
        let length = word.chars().count();
        if length < 5 {
            return Vec::new();
        }
        let allowed = if length >= 9 { 2 } else { 1 };
        self.vocabulary
            .iter()
            .filter(|(known, _)| known.len().abs_diff(word.len()) <= allowed)
            .filter(|(known, _)| strsim::damerau_levenshtein(known, word) <= allowed)
            .map(|(_, id)| (*id, 0.8))
            .collect()
    }

    /// How well a variant and a part of a text name the same thing: the weighted share of
    /// the variant's words found in the part, and of the part's words found in the
    /// variant, combined as their harmonic mean.
    fn similarity(
        &self,
        variant_id: u32,
        words: &[Word],
        ids: &[Vec<(u32, f32)>],
        acronym_hits: &[(usize, &[AcronymRun])],
    ) -> Scored {
        let variant = &self.variants[variant_id as usize];
        let organisation = &self.organisations[variant.organisation as usize];
        let mut covered = vec![0.0f32; variant.words.len()];
        let mut part_total = 0.0;
        let mut part_matched = 0.0;
        let mut matched_words: Vec<String> = Vec::new();
        let mut unique_word = false;
        for (i, word) in words.iter().enumerate() {
            let mut found = 0.0f32;
            for (id, closeness) in &ids[i] {
                for (position, variant_word) in variant.words.iter().enumerate() {
                    if variant_word == id {
                        covered[position] = covered[position].max(*closeness);
                        found = found.max(*closeness);
                        unique_word |=
                            *closeness == 1.0 && word.text.len() >= 4 && self.owners.get(*id as usize) == Some(&1);
                    }
                }
            }
            for (_, runs) in acronym_hits.iter().filter(|(at, _)| *at == i) {
                for (_, first, count) in runs.iter().filter(|(v, _, _)| *v == variant_id) {
                    let (first, count) = (*first as usize, *count as usize);
                    for slot in covered.iter_mut().skip(first).take(count) {
                        *slot = 1.0;
                    }
                    found = 1.0;
                }
            }
            let own = ids[i].first().map_or(self.rare_weight(), |(id, _)| self.weight(*id));
            let is_place =
                ids[i].iter().any(|(id, _)| self.cities.contains(id) && organisation.city_words.contains(id))
                    || self.countries.contains_key(word.text.as_str());
            let weight = if found == 0.0 && is_place {
                // The organisation's own city or a country in the name part: a hint, scored apart.
                0.0
            } else if found == 0.0 && UNIT_WORDS.contains(&word.text.as_str()) {
                own * 0.2
            } else {
                own
            };
            part_total += weight;
            part_matched += weight * found;
            if found > 0.0 && !matched_words.contains(&word.typed) {
                matched_words.push(word.typed.clone());
            }
        }
        let variant_total: f32 = variant.words.iter().map(|id| self.weight(*id)).sum();
        let variant_matched: f32 = variant.words.iter().zip(&covered).map(|(id, c)| self.weight(*id) * c).sum();
        let of_variant = if variant_total > 0.0 { variant_matched / variant_total } else { 0.0 };
        let of_part = if part_total > 0.0 { part_matched / part_total } else { 0.0 };
        let mut similarity =
            if of_variant + of_part > 0.0 { 2.0 * of_variant * of_part / (of_variant + of_part) } else { 0.0 };
        // A word only this organisation's names hold ("VUmc", "Hubrecht") names it, even
        // when the rest of a long name is left out.
        if unique_word {
            similarity = similarity.max(0.75 * of_part);
        }
        Scored { variant: variant_id, similarity, of_variant, matched_words }
    }

    /// The weight of a word no name holds: as rare as the rarest.
    fn rare_weight(&self) -> f32 {
        (1.0 + self.variants.len().max(1) as f32).ln()
    }
}

/// One line of a judged set: a text and the organisation it means (its ROR id or slug),
/// or `None` when it means no organisation in the hub.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedAffiliation {
    pub text: String,
    pub expected: Option<String>,
}

/// Reads a judged set: `EXPECTED<TAB>TEXT` a line, `none` for no organisation, `#` comments.
pub fn parse_judged(content: &str) -> Result<Vec<JudgedAffiliation>, String> {
    let mut judged = Vec::new();
    for (number, line) in content.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (expected, text) =
            line.split_once('\t').ok_or_else(|| format!("line {}: expected EXPECTED<TAB>TEXT", number + 1))?;
        let expected = expected.trim();
        if expected.is_empty() || text.trim().is_empty() {
            return Err(format!("line {}: the expected id and the text must not be empty", number + 1));
        }
        let expected = (!expected.eq_ignore_ascii_case("none")).then(|| expected.to_owned());
        judged.push(JudgedAffiliation { text: text.trim().to_owned(), expected });
    }
    Ok(judged)
}

/// How well the resolver does on a judged set at a threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolveEvaluation {
    pub judged: usize,
    /// Texts that mean an organisation in the hub.
    pub meant: usize,
    /// Texts the resolver gave an organisation for.
    pub answered: usize,
    /// Answers that are the organisation meant.
    pub correct: usize,
    /// correct / answered: how often an answer is right.
    pub precision: f64,
    /// correct / meant: how many of the organisations meant are found.
    pub recall: f64,
    /// The texts answered wrongly or not at all: (text, expected, answer).
    pub mistakes: Vec<(String, Option<String>, Option<String>)>,
}

/// Whether an organisation's id (a ROR URL or a slug) is the expected one (a ROR URL, a
/// bare ROR id or a slug).
fn same_organisation(id: &str, expected: &str) -> bool {
    id == expected || id.strip_prefix("https://ror.org/") == Some(expected)
}

impl Resolver {
    /// Precision and recall at the resolver's threshold.
    pub fn evaluate(&self, judged: &[JudgedAffiliation]) -> ResolveEvaluation {
        self.evaluate_at(judged, CONFIDENCE_THRESHOLD)
    }

    /// Precision and recall had the threshold been `threshold`, to see what it trades.
    pub fn evaluate_at(&self, judged: &[JudgedAffiliation], threshold: f32) -> ResolveEvaluation {
        let mut evaluation = ResolveEvaluation {
            judged: judged.len(),
            meant: judged.iter().filter(|j| j.expected.is_some()).count(),
            answered: 0,
            correct: 0,
            precision: 0.0,
            recall: 0.0,
            mistakes: Vec::new(),
        };
        for item in judged {
            let best = self.resolve(&item.text, 1).candidates.into_iter().next();
            let answer = best.filter(|r| r.confidence >= threshold).map(|r| r.id);
            let right = match (&answer, &item.expected) {
                (Some(id), Some(expected)) => same_organisation(id, expected),
                (None, None) => true,
                _ => false,
            };
            if answer.is_some() {
                evaluation.answered += 1;
                if right {
                    evaluation.correct += 1;
                }
            }
            if !right {
                evaluation.mistakes.push((item.text.clone(), item.expected.clone(), answer));
            }
        }
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        evaluation.precision = ratio(evaluation.correct, evaluation.answered);
        evaluation.recall = ratio(evaluation.correct, evaluation.meant);
        evaluation
    }
}

#[derive(Debug, Clone)]
struct Scored {
    variant: u32,
    similarity: f32,
    /// The weighted share of the variant's words that the text matched.
    of_variant: f32,
    matched_words: Vec<String>,
}

/// The words before "for" in a long name, when they are at least two: the short form
/// people use.
fn short_form(name: &str) -> Option<&str> {
    let lower = name.to_lowercase();
    [" for ", " voor ", " pour ", " fur ", " für "]
        .iter()
        .filter_map(|separator| lower.find(separator))
        .min()
        .and_then(|at| name.get(..at))
        .filter(|head| head.split_whitespace().count() >= 2)
}

/// The parts of an affiliation: split at commas, semicolons, slashes, brackets and dashes
/// between spaces; the whole text is a part too, for names that hold a comma.
fn parts(text: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = text
        .split([',', ';', '/', '(', ')', '|', '\n'])
        .flat_map(|p| p.split(" - ").flat_map(|p| p.split(" – ")))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let whole = text.trim();
    if parts.len() > 1 && !whole.is_empty() {
        parts.push(whole);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn organisation(id: &str, name: &str, aliases: &[&str], city: &str, country: &str) -> SearchDocument {
        SearchDocument {
            entity: &lshub_domain::content::ORGANISATION,
            id: id.to_owned(),
            key: id.to_owned(),
            title: name.to_owned(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            legal_names: Vec::new(),
            body: String::new(),
            facets: vec![("city", city.to_owned()), ("country", country.to_owned())],
        }
    }

    fn resolver() -> Resolver {
        let documents = [
            organisation("erasmus-mc", "Erasmus MC", &["Erasmus University Medical Center"], "Rotterdam", "NL"),
            organisation("eur", "Erasmus University Rotterdam", &[], "Rotterdam", "NL"),
            organisation("umcu", "University Medical Center Utrecht", &["UMC Utrecht"], "Utrecht", "NL"),
            organisation("umcg", "University Medical Center Groningen", &[], "Groningen", "NL"),
            organisation(
                "nki",
                "Netherlands Cancer Institute-Antoni van Leeuwenhoek Hospital",
                &["Netherlands Cancer Institute"],
                "Amsterdam",
                "NL",
            ),
            organisation("amc", "Academic Medical Center", &[], "Amsterdam", "NL"),
            organisation("uzl", "Universitair Ziekenhuis Leuven", &["UZ Leuven"], "Leuven", "BE"),
            organisation("wkz", "Wilhelmina Children's Hospital", &[], "Utrecht", "NL"),
        ];
        Resolver::new(documents.iter())
    }

    fn best(resolver: &Resolver, text: &str) -> Option<String> {
        resolver.resolve(text, 3).best.map(|r| r.key)
    }

    #[test]
    fn dutch_and_english_names_are_one() {
        let resolver = resolver();
        assert_eq!(best(&resolver, "Erasmus Universitair Medisch Centrum").as_deref(), Some("erasmus-mc"));
        assert_eq!(best(&resolver, "Wilhelmina Kinderziekenhuis").as_deref(), Some("wkz"));
        assert_eq!(best(&resolver, "University Hospital Leuven, Belgium").as_deref(), Some("uzl"));
    }

    #[test]
    fn affiliations_with_departments_and_places() {
        let resolver = resolver();
        let outcome = resolver.resolve("Dept. of Cardiology, UMC Utrecht, the Netherlands", 3);
        let found = outcome.best.expect("a match");
        assert_eq!(found.key, "umcu");
        assert!(found.confidence > 0.8, "{found:?}");
        assert!(found.city_hint);
        assert_eq!(best(&resolver, "AMC Amsterdam").as_deref(), Some("amc"));
        assert_eq!(best(&resolver, "NKI-AVL").as_deref(), Some("nki"));
    }

    #[test]
    fn nothing_close_is_none() {
        let resolver = resolver();
        for text in ["", "   ", "\u{0}\u{7}", "Karolinska Institutet, Stockholm, Sweden", "Erasmus", "University"] {
            assert_eq!(best(&resolver, text), None, "{text:?}");
        }
        // Another country than the organisation's is a strong sign of another organisation.
        assert_eq!(best(&resolver, "University Medical Center Utrecht, Germany"), None);
        let long = "hospital ".repeat(2_000);
        assert!(resolver.resolve(&long, 5).candidates.len() <= 5);
    }

    #[test]
    fn judged_sets_are_read_strictly() {
        let judged = parse_judged("# comment\n0575yy874\tUMC Utrecht\nnone\tUniversity of Oxford\n").expect("valid");
        assert_eq!(judged.len(), 2);
        assert_eq!(judged[0].expected.as_deref(), Some("0575yy874"));
        assert_eq!(judged[1].expected, None);
        assert!(parse_judged("no tab here").is_err());
        assert!(parse_judged("\tUMC Utrecht").is_err());
    }

    #[test]
    fn typos_are_forgiven() {
        let resolver = resolver();
        assert_eq!(best(&resolver, "Erasmsu MC Rotterdam").as_deref(), Some("erasmus-mc"));
    }
}
