//! PDFs the hub hands out (A4, one column of lines), written with krilla and the DejaVu
//! Sans subset in `crates/web/fonts` (its licence beside it), embedded so that a file looks
//! the same everywhere and its text can be searched and copied.

use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use crate::error::AppError;
use crate::public_cache::private;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};

static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans-subset.ttf");

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
/// DejaVu Sans averages a little over half an em per character; lines wrap at this many
/// characters per point of font size across the text width.
const CHARS_PER_EM: f32 = 1.85;

/// Lines of text, each with its size, laid out page by page.
pub(crate) struct Writer {
    document: Document,
    font: Font,
    lines: Vec<(f32, String)>,
}

impl Writer {
    /// A document with its title and language in its metadata.
    pub(crate) fn new(title: &str, language: &str) -> Result<Self, AppError> {
        let font = Font::new(FONT.to_vec().into(), 0).ok_or_else(|| AppError::Internal("the PDF font".into()))?;
        let mut document = Document::new();
        document.set_metadata(
            krilla::metadata::Metadata::new()
                .title(title.to_owned())
                .language(language.to_owned())
                .creator("LSH Hub".into()),
        );
        Ok(Writer { document, font, lines: Vec::new() })
    }

    pub(crate) fn line(&mut self, size: f32, text: &str) {
        let per_line = ((WIDTH - 2.0 * MARGIN) / size * CHARS_PER_EM / 1.0) as usize;
        for line in wrap(text, per_line.max(20)) {
            self.lines.push((size, line));
        }
    }

    pub(crate) fn gap(&mut self) {
        self.lines.push((6.0, String::new()));
    }

    pub(crate) fn finish(mut self) -> Result<Vec<u8>, AppError> {
        let mut lines = self.lines.into_iter().peekable();
        while lines.peek().is_some() {
            let settings =
                PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| AppError::Internal("page size".into()))?;
            let mut page = self.document.start_page_with(settings);
            let mut surface = page.surface();
            let mut y = MARGIN;
            while let Some((size, text)) = lines.next_if(|(size, _)| y + size * 1.4 <= HEIGHT - MARGIN) {
                y += size * 1.4;
                if !text.is_empty() {
                    let at = Point::from_xy(MARGIN, y);
                    surface.draw_text(at, self.font.clone(), size, &text, false, TextDirection::Auto);
                }
            }
            surface.finish();
            page.finish();
        }
        self.document.finish().map_err(|e| AppError::Internal(format!("writing the PDF: {e:?}")))
    }
}

/// `text` in lines of at most `width` characters, broken between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// PDF bytes as a private response, shown in the browser, saved under `filename`.
pub(crate) fn response(bytes: Vec<u8>, filename: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    let disposition = format!("inline; filename=\"{}\"", filename.replace(['"', '\\'], ""));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    private(response)
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn text_wraps_between_words() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("", 9), [""]);
        assert_eq!(wrap("unbreakablewordhere", 5), ["unbreakablewordhere"]);
    }
}
