//! Pieces that several pages share: select options and pagination.

use lshub_domain::Pagination;
use serde::Serialize;

use super::format;
use crate::i18n::Translator;

/// One `<option>` of a filter's `<select>`.
pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl SelectOption {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: Option<&str>) -> Self {
        let value = value.into();
        let selected = current.is_some_and(|c| c.eq_ignore_ascii_case(&value));
        Self { value, label: label.into(), selected }
    }
}

/// "21–40 of 2,525" with links to the previous and next page that keep every filter.
pub struct Pager {
    pub range: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `link(offset)` gives the URL of the page that starts at `offset`.
    pub fn new(t: &Translator, total: i64, page: Pagination, link: impl Fn(u32) -> String) -> Self {
        let from = i64::from(page.offset) + 1;
        let to = (i64::from(page.offset) + i64::from(page.limit)).min(total);
        let range = if total == 0 {
            String::new()
        } else {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("from", format::number(t.lang, from));
            args.set("to", format::number(t.lang, to));
            args.set("total", format::number(t.lang, total));
            t.with_args("pager-range", &args)
        };
        let previous = (page.offset > 0).then(|| link(page.offset.saturating_sub(page.limit)));
        let next = (to < total).then(|| link(page.offset + page.limit));
        Self { range, previous, next }
    }
}

/// `path?query` for `params` without its empty fields.
pub fn url_with<T: Serialize>(path: &str, params: &T) -> String {
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let query: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty() && !pair.ends_with('=')).collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Params {
        q: Option<String>,
        kind: Option<String>,
        offset: Option<String>,
    }

    #[test]
    fn urls_keep_filters_and_drop_empty_ones() {
        let params = Params { q: Some("umc amsterdam".into()), kind: Some(String::new()), offset: Some("20".into()) };
        assert_eq!(url_with("/organisations", &params), "/organisations?q=umc+amsterdam&offset=20");
        let empty = Params { q: None, kind: None, offset: None };
        assert_eq!(url_with("/organisations", &empty), "/organisations");
    }
}
