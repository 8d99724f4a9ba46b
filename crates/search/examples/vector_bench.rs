//! Speed of the semantic parts of search: nearest-neighbour scans over SYNTHETIC random
//! unit vectors at 100,000 and 1,000,000 entities (the same work as real vectors of that
//! many entities; how many true neighbours the sign-code scan finds depends on the vectors,
//! and `lshub bench` measures it on the real and synthetic organisations), and, with
//! `LSHUB_MODEL_DIR` set, encoding speed of queries and of documents with the real model.
//!
//! cargo run --release -p lshub-search --example vector_bench

// A benchmark of synthetic data: a failure here is the benchmark's own bug.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use lshub_search::{EntityType, SentenceEncoder, VectorEntry, VectorIndex};

const DIMENSION: usize = 384;
const QUERIES: usize = 200;

/// A small deterministic generator, so runs are comparable.
struct Random(u64);

impl Random {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    }

    fn unit_vector(&mut self) -> Vec<f32> {
        let v: Vec<f32> = (0..DIMENSION).map(|_| self.next()).collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / norm).collect()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// How long `search` takes for each query.
fn time_each<R>(queries: &[Vec<f32>], search: impl Fn(&Vec<f32>) -> R) -> Vec<Duration> {
    queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            std::hint::black_box(search(q));
            t.elapsed()
        })
        .collect()
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let total: Duration = times.iter().sum();
    println!(
        "{what}: p50 {:.2} ms, p99 {:.2} ms, {:.0} per second on one thread",
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times.len() as f64 / total.as_secs_f64()
    );
}

fn main() {
    let mut random = Random(0x5eed);
    for size in [100_000, 1_000_000] {
        let started = Instant::now();
        let items = (0..size).map(|i| {
            let entity = if i % 5 == 0 { EntityType::CALL } else { EntityType::ORGANISATION };
            (VectorEntry { entity, id: format!("synthetic-{i}"), facets: vec![] }, random.unit_vector())
        });
        let index = VectorIndex::build(DIMENSION, items);
        println!(
            "\n{size} SYNTHETIC vectors: built in {:.1} s, {} MB of 8-bit codes",
            started.elapsed().as_secs_f64(),
            index.len() * DIMENSION / 1_000_000
        );
        let queries: Vec<Vec<f32>> = (0..QUERIES).map(|_| random.unit_vector()).collect();
        report("  top 100 of all", time_each(&queries, |q| index.nearest(q, 100, |_| true)));
        report("  top 100 of all, exact scan", time_each(&queries, |q| index.nearest_exact(q, 100, |_| true)));
        let calls_only = |q: &Vec<f32>| index.nearest(q, 100, |e| e.entity == EntityType::CALL);
        report("  top 100 calls (a type filter)", time_each(&queries, calls_only));
    }

    let Some(dir) = std::env::var_os("LSHUB_MODEL_DIR") else {
        println!("\nLSHUB_MODEL_DIR is not set: encoding speed not measured");
        return;
    };
    let encoder = SentenceEncoder::load(std::path::Path::new(&dir)).expect("the model loads");
    let queries = [
        "lung cancer research",
        "longkanker onderzoek",
        "Radboud university medical centre",
        "funding for rare disease partnerships",
        "AI for medical image analysis in hospitals",
    ];
    let times = (0..QUERIES)
        .map(|i| {
            let t = Instant::now();
            std::hint::black_box(encoder.encode(&[queries[i % queries.len()]]).expect("encode"));
            t.elapsed()
        })
        .collect();
    println!();
    report("query encoding", times);
    let description = "Proposals should develop and validate methods for the early detection of cancer \
        using artificial intelligence on medical images, in collaboration with hospitals, patients and \
        industry across Europe, and show how the results improve outcomes. "
        .repeat(4);
    let documents: Vec<&str> = (0..64).map(|_| description.as_str()).collect();
    let started = Instant::now();
    for batch in documents.chunks(32) {
        std::hint::black_box(encoder.encode_passages(batch).expect("encode"));
    }
    let per_document = started.elapsed() / documents.len() as u32;
    println!(
        "document encoding (128 word pieces, batches of 32): {:.1} ms per document, {:.0} per second",
        per_document.as_secs_f64() * 1000.0,
        1.0 / per_document.as_secs_f64()
    );
}
