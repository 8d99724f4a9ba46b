//! Nearest neighbours by cosine similarity over every stored vector, in memory.
//!
//! Vectors are unit length; each is kept as 8-bit integers with one scale, a quarter of the
//! memory of f32 (384 bytes per entity with all-MiniLM-L6-v2: 1M entities in 384 MB). An
//! exact search is one pass over one contiguous array with integer dot products, which
//! compilers turn into SIMD; the similarity it yields differs from f32 cosine by about 0.002.
//!
//! That pass costs about 9 ms per 100,000 vectors on one core, too slow for large indexes. Each
//! vector therefore also has a 1-bit code: the signs of its difference from the mean of all
//! vectors (48 bytes at 384 dimensions). Large indexes compare the query's code with every
//! code by popcount, keep the best few hundred, and rank those exactly with their 8-bit codes.
//! `lshub bench` measures how many of the exact nearest neighbours this finds (recall).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::EntityType;

/// What a vector belongs to, with what filters need.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorEntry {
    pub entity: EntityType,
    pub id: String,
    /// Facet terms as the lexical index writes them (`kind=healthcare`).
    pub facets: Vec<String>,
}

impl VectorEntry {
    /// A call's status on `today`, from its date facets; `None` for anything else.
    pub(crate) fn call_status_on(&self, today: chrono::NaiveDate) -> Option<lshub_domain::CallStatus> {
        let pairs = self.facets.iter().filter_map(|term| term.split_once('='));
        lshub_domain::call::dates_from_facets(pairs).map(|dates| lshub_domain::CallStatus::on(today, dates))
    }
}

/// Every vector of the index, as 8-bit codes in one array and sign codes in another.
#[derive(Default)]
pub struct VectorIndex {
    dimension: usize,
    entries: Vec<VectorEntry>,
    codes: Vec<i8>,
    scales: Vec<f32>,
    /// Mean of all vectors: signs are taken around it, since sentence vectors share a
    /// common direction that would make many bits the same for every vector.
    centre: Vec<f32>,
    /// `words` 64-bit words of signs per vector.
    signs: Vec<u64>,
    words: usize,
    /// Threads a scan of the sign codes is split over.
    threads: usize,
}

/// Below this many vectors the exact scan is fast enough (under 2 ms) and is always used.
const EXACT_BELOW: usize = 20_000;

/// Candidates the sign codes pick per neighbour asked for, before the exact ranking, and
/// at least: with 1,000 recall@10 was 0.991 at 1,000,000 vectors (`lshub bench`), too close to 0.99.
const CANDIDATES_PER_RESULT: usize = 10;
const MIN_CANDIDATES: usize = 2_000;

/// Fewest sign codes worth a thread of their own (a scan of 100,000 takes about 1 ms).
const ROWS_PER_THREAD: usize = 250_000;

/// A vector as 8-bit integers and the scale that turns them back into floats.
fn quantise(vector: &[f32]) -> (Vec<i8>, f32) {
    let max = vector.iter().fold(0f32, |m, x| m.max(x.abs()));
    if max == 0.0 || !max.is_finite() {
        return (vec![0; vector.len()], 0.0);
    }
    let scale = max / 127.0;
    // The value is within -127..=127 by construction, so the cast cannot wrap.
    (vector.iter().map(|x| (x / scale).round() as i8).collect(), scale)
}

/// The signs of `vector - centre`, one bit per dimension, in `words` 64-bit words.
fn sign_code(vector: &[f32], centre: &[f32], words: usize) -> Vec<u64> {
    let mut code = vec![0u64; words];
    for (i, (x, c)) in vector.iter().zip(centre).enumerate() {
        if x > c {
            code[i / 64] |= 1 << (i % 64);
        }
    }
    code
}

/// How many bits differ between two sign codes.
fn hamming(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

/// Integer dot product in lanes of 16, a shape compilers turn into SIMD multiply-adds.
/// Codes are within -127..=127, so each product fits an i16.
fn dot(a: &[i8], b: &[i8]) -> i32 {
    let mut lanes = [0i32; 16];
    let (a_chunks, b_chunks) = (a.chunks_exact(16), b.chunks_exact(16));
    let tail: i32 =
        a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for i in 0..16 {
            lanes[i] += i32::from(i16::from(x[i]) * i16::from(y[i]));
        }
    }
    lanes.iter().sum::<i32>() + tail
}

/// A candidate in the top-k heap, ordered so the heap's top is the worst kept.
struct Scored(f32, usize);

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

impl VectorIndex {
    /// Vectors whose length is not `dimension` are left out.
    pub fn build(dimension: usize, items: impl IntoIterator<Item = (VectorEntry, Vec<f32>)>) -> Self {
        let words = dimension.div_ceil(64);
        let mut index = Self { dimension, words, ..Self::default() };
        let mut sum = vec![0f64; dimension];
        for (entry, vector) in items {
            if vector.len() != dimension {
                continue;
            }
            for (total, x) in sum.iter_mut().zip(&vector) {
                *total += f64::from(*x);
            }
            let (codes, scale) = quantise(&vector);
            index.entries.push(entry);
            index.codes.extend(codes);
            index.scales.push(scale);
        }
        index.threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(index.entries.len() / ROWS_PER_THREAD)
            .max(1);
        if index.entries.len() >= EXACT_BELOW {
            let count = index.entries.len() as f64;
            index.centre = sum.iter().map(|total| (total / count) as f32).collect();
            index.signs = Vec::with_capacity(index.entries.len() * words);
            let mut vector = vec![0f32; dimension];
            for (row, codes) in index.codes.chunks_exact(dimension).enumerate() {
                for (x, code) in vector.iter_mut().zip(codes) {
                    *x = f32::from(*code) * index.scales[row];
                }
                index.signs.extend(sign_code(&vector, &index.centre, words));
            }
        }
        index
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, row: usize) -> Option<&VectorEntry> {
        self.entries.get(row)
    }

    /// The stored vector of an entity (within quantisation error), for matchmaking from it.
    pub fn vector_of(&self, entity: EntityType, id: &str) -> Option<Vec<f32>> {
        let row = self.entries.iter().position(|e| e.entity == entity && e.id == id)?;
        let codes = self.codes.get(row * self.dimension..(row + 1) * self.dimension)?;
        let scale = self.scales.get(row)?;
        Some(codes.iter().map(|c| f32::from(*c) * scale).collect())
    }

    /// The `k` rows most similar to `query` among those `keep` accepts, best first, with
    /// their cosine similarity: exact for small indexes, through the sign codes for large ones.
    pub fn nearest(&self, query: &[f32], k: usize, keep: impl Fn(&VectorEntry) -> bool + Sync) -> Vec<(usize, f32)> {
        if self.signs.is_empty() {
            return self.nearest_exact(query, k, keep);
        }
        if query.len() != self.dimension || k == 0 {
            return Vec::new();
        }
        let wanted = (k * CANDIDATES_PER_RESULT).max(MIN_CANDIDATES);
        let code = sign_code(query, &self.centre, self.words);
        let per_thread = self.len().div_ceil(self.threads);
        let part = |from: usize| self.closest_signs(&code, from..(from + per_thread).min(self.len()), wanted, &keep);
        // Each thread keeps its own best; all of them are ranked exactly.
        let mut rows = std::thread::scope(|scope| {
            let others: Vec<_> =
                (1..self.threads).map(|thread| scope.spawn(move || part(thread * per_thread))).collect();
            let mut rows = part(0);
            for other in others {
                rows.extend(other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            }
            rows
        });
        // In memory order, for the cache.
        rows.sort_unstable();
        self.rank(query, k, rows.into_iter(), |_| true)
    }

    /// The `wanted` rows of `rows` that `keep` accepts whose sign codes differ least from `code`.
    fn closest_signs(
        &self,
        code: &[u64],
        rows: std::ops::Range<usize>,
        wanted: usize,
        keep: impl Fn(&VectorEntry) -> bool,
    ) -> Vec<usize> {
        // The fewest differing bits first: the heap's top is the worst candidate kept.
        let mut heap: BinaryHeap<(u32, usize)> = BinaryHeap::with_capacity(wanted + 1);
        let signs = &self.signs[rows.start * self.words..rows.end * self.words];
        for (row, signs) in rows.zip(signs.chunks_exact(self.words)) {
            let distance = hamming(code, signs);
            if heap.len() == wanted && heap.peek().is_some_and(|worst| distance >= worst.0) {
                continue;
            }
            if !keep(&self.entries[row]) {
                continue;
            }
            heap.push((distance, row));
            if heap.len() > wanted {
                heap.pop();
            }
        }
        heap.into_iter().map(|(_, row)| row).collect()
    }

    /// The `k` rows most similar to `query` among those `keep` accepts, by comparing it
    /// with every vector.
    pub fn nearest_exact(&self, query: &[f32], k: usize, keep: impl Fn(&VectorEntry) -> bool) -> Vec<(usize, f32)> {
        if query.len() != self.dimension || self.dimension == 0 || k == 0 {
            return Vec::new();
        }
        self.rank(query, k, 0..self.len(), keep)
    }

    /// The `k` of `rows` that `keep` accepts most similar to `query`, best first, with their
    /// similarity. `keep` is asked only about rows that would make the top `k`.
    fn rank(
        &self,
        query: &[f32],
        k: usize,
        rows: impl Iterator<Item = usize>,
        keep: impl Fn(&VectorEntry) -> bool,
    ) -> Vec<(usize, f32)> {
        let (query, query_scale) = quantise(query);
        let mut heap: BinaryHeap<Scored> = BinaryHeap::with_capacity(k + 1);
        for row in rows {
            let codes = &self.codes[row * self.dimension..(row + 1) * self.dimension];
            let similarity = dot(&query, codes) as f32 * query_scale * self.scales[row];
            if heap.len() == k && heap.peek().is_some_and(|worst| similarity <= worst.0) {
                continue;
            }
            if !keep(&self.entries[row]) {
                continue;
            }
            heap.push(Scored(similarity, row));
            if heap.len() > k {
                heap.pop();
            }
        }
        let mut best: Vec<(usize, f32)> = heap.into_iter().map(|Scored(s, row)| (row, s)).collect();
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / norm).collect()
    }

    fn entry(id: &str, entity: EntityType) -> VectorEntry {
        VectorEntry { entity, id: id.into(), facets: vec![] }
    }

    #[test]
    fn nearest_is_exact_cosine_within_quantisation_error() {
        let vectors = [
            ("a", unit(&[1.0, 0.0, 0.0, 0.1])),
            ("b", unit(&[0.7, 0.7, 0.0, 0.0])),
            ("c", unit(&[0.0, 0.0, 1.0, 0.0])),
            ("d", unit(&[-1.0, 0.2, 0.0, 0.0])),
        ];
        let index = VectorIndex::build(
            4,
            vectors
                .iter()
                .map(|(id, v)| (entry(id, EntityType::CALL), v.clone()))
                .chain([(entry("wrong length", EntityType::CALL), vec![1.0; 3])]),
        );
        assert_eq!(index.len(), 4);
        let query = unit(&[1.0, 0.3, 0.0, 0.0]);
        let found = index.nearest(&query, 3, |_| true);
        let ids: Vec<&str> = found.iter().map(|(row, _)| index.entries[*row].id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        for (row, similarity) in found {
            let exact: f32 = query.iter().zip(&vectors[row].1).map(|(x, y)| x * y).sum();
            assert!((similarity - exact).abs() < 0.01, "{similarity} vs {exact}");
        }
        assert!(index.nearest(&query, 3, |e| e.id == "d").iter().all(|(row, _)| *row == 3));
        assert!(index.nearest(&[1.0, 0.0], 3, |_| true).is_empty(), "a query of another dimension finds nothing");
        assert!(index.nearest(&query, 0, |_| true).is_empty());
    }

    #[test]
    fn large_indexes_find_the_exact_neighbours_through_sign_codes() {
        // Clustered vectors, as sentence vectors are: 200 topics, each with 100 variations.
        let mut state = 0x5eed_u64;
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        };
        let dimension = 64;
        let topics: Vec<Vec<f32>> = (0..200).map(|_| (0..dimension).map(|_| random()).collect()).collect();
        let vectors: Vec<Vec<f32>> = (0..EXACT_BELOW)
            .map(|i| unit(&topics[i % topics.len()].iter().map(|x| x + 0.3 * random()).collect::<Vec<_>>()))
            .collect();
        let entity = |i: usize| if i.is_multiple_of(4) { EntityType::CALL } else { EntityType::ORGANISATION };
        let index = VectorIndex::build(
            dimension,
            vectors.iter().enumerate().map(|(i, v)| (entry(&i.to_string(), entity(i)), v.clone())),
        );
        assert!(!index.signs.is_empty(), "an index this large has sign codes");
        let (mut found, mut total) = (0, 0);
        for query in vectors.iter().step_by(997).take(20) {
            let organisations = |e: &VectorEntry| e.entity == EntityType::ORGANISATION;
            let approximate = index.nearest(query, 10, organisations);
            let exact = index.nearest_exact(query, 10, organisations);
            assert_eq!(approximate.len(), 10);
            for (row, similarity) in &approximate {
                assert_eq!(index.entries[*row].entity, EntityType::ORGANISATION, "the filter holds");
                let true_similarity = exact.iter().find(|(r, _)| r == row).map(|(_, s)| *s);
                assert!(true_similarity.is_none_or(|s| s == *similarity), "similarities are exact");
            }
            found += approximate.iter().filter(|hit| exact.contains(hit)).count();
            total += exact.len();
        }
        assert!(found * 100 >= total * 95, "recall@10 {found}/{total}");
    }
}
