//! `/sitemap.xml` (sitemaps.org): every listed page of the member-written kinds with the day
//! it last changed, so that search engines find new vacancies and programmes and drop those
//! that closed. Written by quick-xml; `/robots.txt` points to it.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::error::AppError;
use crate::state::AppState;

/// One page of the sitemap: its address under the hub and the day it last changed.
pub struct SitemapEntry {
    pub path: String,
    pub last_modified: chrono::NaiveDate,
}

pub async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let entries = crate::kinds::sitemap_entries(&state.db, state.today()).await?;
    let xml =
        write(&state.site.public_url, &entries).map_err(|e| AppError::Internal(format!("writing the sitemap: {e}")))?;
    let mut response = xml.into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/xml; charset=utf-8"));
    Ok(response)
}

/// Search engines may read the whole hub; the sitemap says where the listed pages are.
pub async fn robots(State(state): State<AppState>) -> Response {
    let text =
        format!("User-agent: *\nAllow: /\nSitemap: {}/sitemap.xml\n", state.site.public_url.trim_end_matches('/'));
    let mut response = text.into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

fn write(public_url: &str, entries: &[SitemapEntry]) -> std::io::Result<String> {
    let base = public_url.trim_end_matches('/');
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 1);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("urlset")
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .write_inner_content(|w| {
            for entry in entries {
                w.create_element("url").write_inner_content(|w| {
                    w.create_element("loc").write_text_content(BytesText::new(&format!("{base}{}", entry.path)))?;
                    w.create_element("lastmod").write_text_content(BytesText::new(&entry.last_modified.to_string()))?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    String::from_utf8(writer.into_inner()).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_escaped_and_dated() {
        let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        let entries = [SitemapEntry { path: "/vacancies/a&b".into(), last_modified: day }];
        let xml = write("https://hub.example/", &entries).unwrap();
        assert!(xml.contains("<loc>https://hub.example/vacancies/a&amp;b</loc>"), "{xml}");
        assert!(xml.contains("<lastmod>2027-01-05</lastmod>"), "{xml}");
    }
}
