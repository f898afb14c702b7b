//! The flow as a picture for slides and handouts: one self-contained SVG with the flow's name on
//! top, the nodes and edges as the canvas draws them (the same geometry), and an optional legend.
//! Every label stays text. A pure function of the document, tested natively; the PNG is this SVG
//! drawn on a canvas by the browser (`export_panel.rs`).

use std::collections::BTreeSet;
use std::fmt::Write;

use callflow_core::document::{Document, Node, NodeKind};
use callflow_core::index::EdgeState;
use callflow_core::layout::is_error_port;
use callflow_core::FlowIndex;

use super::geometry::{edge_path, input_offset, node_box, port_offset, port_position, HEADER_HEIGHT, NODE_WIDTH};
use crate::state::viewport::CanvasPoint;

/// The colours of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageTheme {
    Light,
    Dark,
    /// For paper: white, black text, outlines only.
    Print,
}

struct Palette {
    background: &'static str,
    surface: &'static str,
    border: &'static str,
    text: &'static str,
    muted: &'static str,
    header: &'static str,
    invoke: &'static str,
    terminal: &'static str,
    edge: &'static str,
    error: &'static str,
}

impl ImageTheme {
    pub const ALL: [ImageTheme; 3] = [ImageTheme::Light, ImageTheme::Dark, ImageTheme::Print];

    pub fn key(self) -> &'static str {
        match self {
            ImageTheme::Light => "light",
            ImageTheme::Dark => "dark",
            ImageTheme::Print => "print",
        }
    }

    // The canvas's colours (styles/app.css), so the picture looks like the designer.
    fn palette(self) -> Palette {
        match self {
            ImageTheme::Light => Palette {
                background: "#fbfcfe",
                surface: "#ffffff",
                border: "#d6dae3",
                text: "#1c2230",
                muted: "#5b6476",
                header: "#eef2fa",
                invoke: "#e9e2fa",
                terminal: "#dcefe9",
                edge: "#7a8499",
                error: "#b42318",
            },
            ImageTheme::Dark => Palette {
                background: "#151922",
                surface: "#1b2029",
                border: "#313846",
                text: "#e6e9ef",
                muted: "#9aa3b5",
                header: "#232a36",
                invoke: "#35305a",
                terminal: "#1f3d3a",
                edge: "#8c95a8",
                error: "#ff8a80",
            },
            ImageTheme::Print => Palette {
                background: "#ffffff",
                surface: "#ffffff",
                border: "#000000",
                text: "#000000",
                muted: "#333333",
                header: "#ffffff",
                invoke: "#e6e6e6",
                terminal: "#f2f2f2",
                edge: "#000000",
                error: "#000000",
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageOptions {
    pub theme: ImageTheme,
    pub legend: bool,
}

/// A drawn picture: SVG text and its size in CSS pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub svg: String,
    pub width: f64,
    pub height: f64,
}

const MARGIN: f64 = 24.0;
const TITLE: f64 = 44.0;
const LEGEND_ROW: f64 = 22.0;
const LEGEND_COLUMN: f64 = 190.0;

/// Draws the flow, or only the nodes in `only` and the edges between them.
pub fn flow_svg(
    document: &Document,
    index: &FlowIndex,
    only: Option<&BTreeSet<String>>,
    options: ImageOptions,
) -> Picture {
    let palette = options.theme.palette();
    let nodes: Vec<(usize, &Node)> =
        document.flow.nodes.iter().enumerate().filter(|(_, n)| only.is_none_or(|ids| ids.contains(&n.id))).collect();
    let mut min = CanvasPoint { x: f64::INFINITY, y: f64::INFINITY };
    let mut max = CanvasPoint { x: f64::NEG_INFINITY, y: f64::NEG_INFINITY };
    for (_, node) in &nodes {
        let (top_left, bottom_right) = node_box(node);
        min = CanvasPoint { x: min.x.min(top_left.x), y: min.y.min(top_left.y) };
        max = CanvasPoint { x: max.x.max(bottom_right.x), y: max.y.max(bottom_right.y) };
    }
    if nodes.is_empty() {
        min = CanvasPoint { x: 0.0, y: 0.0 };
        max = CanvasPoint { x: 240.0, y: 0.0 };
    }
    let kinds: Vec<NodeKind> = {
        let mut seen: Vec<NodeKind> = Vec::new();
        for (_, node) in &nodes {
            if !seen.contains(&node.kind()) {
                seen.push(node.kind());
            }
        }
        seen
    };
    let legend_entries = kinds.len() + 1;
    let diagram_width = max.x - min.x;
    let columns = ((diagram_width / LEGEND_COLUMN).floor() as usize).clamp(1, 4);
    let legend_height = if options.legend { 16.0 + LEGEND_ROW * legend_entries.div_ceil(columns) as f64 } else { 0.0 };
    let width =
        (diagram_width + 2.0 * MARGIN).max(if options.legend { LEGEND_COLUMN + 2.0 * MARGIN } else { 0.0 }).ceil();
    let height = (TITLE + (max.y - min.y) + legend_height + 2.0 * MARGIN).ceil();
    // Canvas units → picture: the diagram's corner goes below the title.
    let (dx, dy) = (MARGIN - min.x, MARGIN + TITLE - min.y);

    let mut svg = String::with_capacity(512 + nodes.len() * 700);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">"#
    );
    let _ = write!(svg, "<title>{}</title>", escape(&document.flow.name));
    let _ = write!(svg, r#"<rect width="100%" height="100%" fill="{}"/>"#, palette.background);
    let _ = write!(
        svg,
        r#"<text x="{MARGIN}" y="{}" font-size="20" font-weight="700" fill="{}">{}</text>"#,
        MARGIN + 14.0,
        palette.text,
        escape(&document.flow.name)
    );
    let _ = write!(
        svg,
        r#"<text x="{MARGIN}" y="{}" font-size="12" fill="{}">{} · {} step{}</text>"#,
        MARGIN + 32.0,
        palette.muted,
        if document.flow.flow_type.is_module() { "Common module" } else { "Inbound call flow" },
        nodes.len(),
        if nodes.len() == 1 { "" } else { "s" }
    );

    // Edges first, under the nodes.
    let _ = write!(svg, r#"<g fill="none" stroke-width="1.6">"#);
    let mut included = vec![false; document.flow.nodes.len()];
    for (at, _) in &nodes {
        included[*at] = true;
    }
    for (edge, ends) in index.edges().iter().enumerate() {
        let (EdgeState::Link, Some(from), Some(to)) = (ends.state, ends.from, ends.to) else { continue };
        let (from, to) = (from as usize, to as usize);
        if !included[from] || !included[to] {
            continue;
        }
        let source = &document.flow.nodes[from];
        let target = &document.flow.nodes[to];
        let port = document.flow.edges[edge].port.as_deref().unwrap_or("next");
        let start = port_position(source, port);
        let (ix, iy) = input_offset();
        let end = CanvasPoint { x: target.x + ix, y: target.y + iy };
        let path =
            edge_path(CanvasPoint { x: start.x + dx, y: start.y + dy }, CanvasPoint { x: end.x + dx, y: end.y + dy });
        let error = ends.port.is_some_and(is_error_port);
        let _ = write!(
            svg,
            r#"<path d="{path}" stroke="{}"{}/>"#,
            if error { palette.error } else { palette.edge },
            if error { r#" stroke-dasharray="6 4""# } else { "" }
        );
    }
    svg.push_str("</g>");

    for (_, node) in &nodes {
        draw_node(&mut svg, node, node.x + dx, node.y + dy, &palette);
    }

    if options.legend {
        let top = MARGIN + TITLE + (max.y - min.y) + 16.0;
        let _ = write!(svg, r#"<g font-size="12" fill="{}" data-legend="">"#, palette.text);
        let entries = kinds
            .iter()
            .map(|kind| (kind.title(), header_fill(*kind, &palette), false))
            .chain(std::iter::once(("Error path", palette.error, true)));
        for (i, (title, colour, is_edge)) in entries.enumerate() {
            let x = MARGIN + (i % columns) as f64 * LEGEND_COLUMN;
            let y = top + (i / columns) as f64 * LEGEND_ROW;
            if is_edge {
                let _ = write!(
                    svg,
                    r#"<path d="M {x} {} h 24" stroke="{colour}" stroke-width="1.6" stroke-dasharray="6 4"/>"#,
                    y + 6.0
                );
            } else {
                let _ = write!(
                    svg,
                    r#"<rect x="{x}" y="{y}" width="24" height="12" rx="3" fill="{colour}" stroke="{}"/>"#,
                    palette.border
                );
            }
            let _ = write!(svg, r#"<text x="{}" y="{}">{}</text>"#, x + 32.0, y + 11.0, escape(title));
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    Picture { svg, width, height }
}

fn header_fill(kind: NodeKind, palette: &Palette) -> &'static str {
    if kind == NodeKind::Invoke {
        palette.invoke
    } else if kind.spec().terminal {
        palette.terminal
    } else {
        palette.header
    }
}

fn draw_node(svg: &mut String, node: &Node, x: f64, y: f64, palette: &Palette) {
    let (_, bottom_right) = node_box(node);
    let height = bottom_right.y - node.y;
    let _ = write!(
        svg,
        r#"<g transform="translate({x:.1} {y:.1})" data-node-id="{}"><rect width="{NODE_WIDTH}" height="{height}" rx="7" fill="{}" stroke="{}" stroke-width="1.5"/>"#,
        escape(&node.id),
        palette.surface,
        palette.border
    );
    let _ = write!(
        svg,
        r#"<rect width="{NODE_WIDTH}" height="{HEADER_HEIGHT}" rx="7" fill="{}"/>"#,
        header_fill(node.kind(), palette)
    );
    let squeeze = if label_width(&node.label) > NODE_WIDTH - 20.0 {
        format!(r#" textLength="{}" lengthAdjust="spacingAndGlyphs""#, NODE_WIDTH - 20.0)
    } else {
        String::new()
    };
    let _ = write!(
        svg,
        r#"<text x="10" y="18" font-size="13" font-weight="600" fill="{}"{squeeze}>{}</text>"#,
        palette.text,
        escape(&node.label)
    );
    let _ = write!(
        svg,
        r#"<text x="10" y="33" font-size="11" fill="{}">{}</text>"#,
        palette.muted,
        escape(node.kind().title())
    );
    for (i, port) in node.ports().enumerate() {
        let (px, py) = port_offset(i);
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" font-size="11" text-anchor="end" fill="{}">{}</text><circle cx="{px}" cy="{py}" r="4" fill="{}"/>"#,
            px - 12.0,
            py + 4.0,
            palette.muted,
            escape(port.name.as_str()),
            if is_error_port(port.name) { palette.error } else { palette.edge }
        );
    }
    svg.push_str("</g>");
}

/// A generous estimate of a label's width at 13 px semibold: a label that may not fit is squeezed
/// to the node's width (it stays whole, as text). Wide letters and CJK count more.
fn label_width(label: &str) -> f64 {
    label
        .chars()
        .map(|c| match c {
            'W' | 'M' | 'm' | 'w' | '@' => 11.5,
            c if c.is_ascii() => 7.6,
            c if (c as u32) >= 0x1100 => 13.5,
            _ => 8.5,
        })
        .sum()
}

/// XML text and attribute escaping.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow.
            c if ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.push(' ')
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(text: &str) -> Document {
        callflow_core::parse(text).unwrap()
    }

    #[test]
    fn every_label_is_text_and_every_link_is_drawn() {
        let document = template(include_str!("../../public/templates/business-hours-menu.flow.json"));
        let index = FlowIndex::build(&document);
        let picture = flow_svg(&document, &index, None, ImageOptions { theme: ImageTheme::Light, legend: true });
        for node in &document.flow.nodes {
            assert!(picture.svg.contains(&format!(">{}</text>", escape(&node.label))), "{}", node.label);
        }
        let links = index.edges().iter().filter(|e| e.state == EdgeState::Link).count();
        assert_eq!(picture.svg.matches("<path d=\"M").count(), links + 1, "each link, and the legend's error line");
        assert!(picture.svg.contains(&format!(">{}</text>", escape(&document.flow.name))));
        assert!(picture.svg.contains("data-legend"));
        assert!(picture.width > 200.0 && picture.height > 100.0);
    }

    #[test]
    fn a_selection_draws_only_its_nodes_and_their_edges() {
        let document = template(include_str!("../../public/templates/seed-002-verify-then-queue.flow.json"));
        let index = FlowIndex::build(&document);
        let only: BTreeSet<String> = document.flow.nodes.iter().take(2).map(|n| n.id.clone()).collect();
        let picture =
            flow_svg(&document, &index, Some(&only), ImageOptions { theme: ImageTheme::Print, legend: false });
        assert_eq!(picture.svg.matches("data-node-id=").count(), 2);
        assert!(!picture.svg.contains("data-legend"));
        assert!(!picture.svg.contains("#1c2230"), "print uses black text");
    }

    #[test]
    fn markup_in_labels_is_escaped() {
        let mut document = template(include_str!("../../public/templates/seed-002-verify-then-queue.flow.json"));
        document.flow.nodes[0].label = "<b>\"A&B\"</b>\u{1}\u{ffff}".to_owned();
        let index = FlowIndex::build(&document);
        let picture = flow_svg(&document, &index, None, ImageOptions { theme: ImageTheme::Dark, legend: false });
        assert!(picture.svg.contains("&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;  "));
        assert!(!picture.svg.contains("<b>"));
    }
}
