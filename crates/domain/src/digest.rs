//! The weekly digest's rules: how many of each kind of news it brings, and in which order:
//! what the matcher ranks highest for the reader's organisation first, then the newest.

use std::collections::HashMap;

/// Entries per section of a digest.
pub const PER_SECTION: usize = 5;

/// The first [`PER_SECTION`] of `items` (newest first), those the matcher ranked (`ranks`:
/// id → rank, 0 best) before the others, in the matcher's order.
pub fn ranked<T>(items: Vec<T>, id: impl Fn(&T) -> &str, ranks: &HashMap<String, usize>) -> Vec<T> {
    let mut numbered: Vec<(usize, usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(newest, item)| (ranks.get(id(&item)).copied().unwrap_or(usize::MAX), newest, item))
        .collect();
    numbered.sort_by_key(|(rank, newest, _)| (*rank, *newest));
    numbered.into_iter().take(PER_SECTION).map(|(_, _, item)| item).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matchers_order_first_then_the_newest() {
        let items: Vec<String> = ["new", "b", "c", "d", "e", "f", "old"].map(String::from).into();
        let ranks: HashMap<String, usize> = [("old".to_owned(), 0), ("c".to_owned(), 1)].into_iter().collect();
        let picked = ranked(items, String::as_str, &ranks);
        assert_eq!(picked, ["old", "c", "new", "b", "d"]);
        assert!(ranked(Vec::<String>::new(), String::as_str, &ranks).is_empty());
    }
}
