//! Markdown of notes and sections as HTML that is safe to put in a page as it is.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Renders Markdown; raw HTML comes out as visible text and links or images with a scheme other
/// than http(s), mailto or tel (`javascript:`, `data:`…) lose their target and keep their text.
pub fn to_html(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // One entry per open link or image: whether its tags were dropped, so the end tag follows suit.
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(source, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
            let safe = match &tag {
                Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => is_safe_url(dest_url),
                _ => true,
            };
            dropped.push(!safe);
            safe.then_some(Event::Start(tag))
        }
        Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
            (!dropped.pop().unwrap_or(false)).then_some(Event::End(end))
        }
        other => Some(other),
    });
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Relative links and the schemes a note may reasonably point to.
fn is_safe_url(url: &str) -> bool {
    // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn raw_html_is_shown_as_text_and_never_runs() {
        let html = to_html("Avant <script>alert('x')</script> après\n\n<img src=x onerror=alert(1)>\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{html}");
    }

    #[test]
    fn unsafe_link_schemes_lose_their_target_but_keep_their_text() {
        for source in [
            "[cliquez](javascript:alert(1))",
            "[cliquez](JavaScript:alert(1))",
            "[cliquez](<java\tscript:alert(1)>)",
            "[cliquez](&#106;avascript:alert(1))",
            "[cliquez](data:text/html;base64,PHNjcmlwdD4=)",
            "<javascript:alert(1)>",
            "![cliquez](javascript:alert(1))",
        ] {
            let html = to_html(source);
            // The scheme may remain as visible text (an autolink's text is its address), never as a target.
            assert!(!html.contains("<a") && !html.contains("<img"), "{source} → {html}");
            assert!(!html.contains("href=") && !html.contains("src="), "{source} → {html}");
        }
        assert!(to_html("[cliquez](javascript:alert(1))").contains("cliquez"));
    }

    #[test]
    fn ordinary_markdown_is_kept() {
        let html = to_html("**Gao** : *accord* — [rapport](https://example.org/r) et [section](#s2)\n\n- un\n- deux");
        assert!(html.contains("<strong>Gao</strong>"));
        assert!(html.contains("<em>accord</em>"));
        assert!(html.contains(r#"<a href="https://example.org/r">rapport</a>"#));
        assert!(html.contains(r##"<a href="#s2">section</a>"##));
        assert!(html.contains("<li>deux</li>"));
    }
}
