//! Markdown as the authorities write their guidance, rendered to HTML that cannot carry script:
//! raw HTML in the source is shown as text, and links and images keep only http, https, mailto
//! and relative addresses.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

fn safe_url(u: &str) -> bool {
    let lower = u.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        // A colon before any slash names a scheme.
        Some((scheme, _)) if !scheme.contains('/') => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

pub fn to_html(src: &str) -> String {
    let parser = Parser::new_ext(src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(
        |e| match e {
            Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from("#"),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::from("#"),
                title,
                id,
            }),
            e => e,
        },
    );
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_renders_and_cannot_carry_script() {
        let h = to_html("# Rubrik\n\nText med **fetstil** och [länk](https://imy.se).");
        assert!(h.contains("<h1>Rubrik</h1>"), "{h}");
        assert!(h.contains("<strong>fetstil</strong>"));
        assert!(h.contains(r#"href="https://imy.se""#));
        let bad =
            to_html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=y>");
        assert!(!bad.contains("<script"), "{bad}");
        assert!(!bad.contains("<img"), "{bad}");
        assert!(!bad.contains("javascript:"), "{bad}");
        assert!(bad.contains("&lt;script&gt;"));
    }
}
