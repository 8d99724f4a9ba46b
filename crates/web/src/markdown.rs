//! Markdown that members write, rendered safely: pulldown-cmark turns it into HTML, and
//! ammonia keeps only harmless elements. Raw HTML in the source never reaches the page,
//! links may only be http(s) or mailto and carry `rel="nofollow ugc"` (the hub does not vouch
//! for them), and images are not shown: member content does not load files from elsewhere
//! into the hub's pages (their alternative text stays).

use std::collections::HashSet;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The events of `markdown`, with raw HTML turned into visible text and images into their
/// alternative text.
fn events(markdown: &str) -> impl Iterator<Item = Event<'_>> {
    Parser::new_ext(markdown, options()).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    })
}

/// `markdown` as safe HTML.
pub fn render(markdown: &str) -> String {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events(markdown));
    let tags: HashSet<&str> = [
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ]
    .into_iter()
    .collect();
    ammonia::Builder::default()
        .tags(tags)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow ugc"))
        .clean(&html)
        .to_string()
}

/// The text of `markdown` without its markup, for search and summaries.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in events(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                text.push(' ')
            }
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_survives() {
        let html = render("# Title\n\nSome **bold**, *em* and `code`.\n\n- one\n- two\n\n> quoted");
        for expected in [
            "<h1>Title</h1>",
            "<strong>bold</strong>",
            "<em>em</em>",
            "<code>code</code>",
            "<li>one</li>",
            "<blockquote>",
        ] {
            assert!(html.contains(expected), "{expected} in {html}");
        }
    }

    #[test]
    fn links_are_marked_as_user_generated() {
        let html = render("[our site](https://sanquin.org)");
        assert_eq!(html.trim(), r#"<p><a href="https://sanquin.org" rel="nofollow ugc">our site</a></p>"#);
    }

    #[test]
    fn raw_html_and_scripts_never_pass() {
        for source in [
            "<script>alert(1)</script>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<a href=\"https://x.example\" onclick=\"steal()\">x</a>",
            "text <img src=x onerror=alert(1)> text",
        ] {
            let html = render(source);
            // Escaped, the source may show as text; as markup, never.
            for forbidden in ["<script", "<iframe", "<img", "<a href=\"https://x.example\" onclick"] {
                assert!(!html.contains(forbidden), "{forbidden} from {source:?}: {html}");
            }
        }
    }

    #[test]
    fn only_web_and_mail_links_are_kept() {
        let html = render("[x](javascript:alert(1)) [y](data:text/html,hi) [z](mailto:info@example.org)");
        assert!(!html.contains("javascript:") && !html.contains("data:"), "{html}");
        assert!(html.contains(r#"href="mailto:info@example.org""#), "{html}");
    }

    #[test]
    fn images_become_their_alternative_text() {
        let html = render("![a tracking pixel](https://tracker.example/p.gif)");
        assert!(!html.contains("tracker.example") && html.contains("a tracking pixel"), "{html}");
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            plain_text("# Title\n\nSome **bold** [link](https://x.example).\n\n- a\n- b"),
            "Title Some bold link. a b"
        );
    }
}
