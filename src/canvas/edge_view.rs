//! One edge: a curve from its port to its target. Its path is a memo, so a drag re-renders only the
//! edges whose ends move.

use callflow_core::diagnostic::Severity;
use leptos::prelude::*;

use super::geometry::{edge_path, input_offset, port_position};
use super::CanvasEvents;
use crate::state::use_studio;
use crate::state::viewport::CanvasPoint;

/// What an edge needs from the document, computed once per document change (never per pointer move):
/// its ends, and where its curve starts and ends when nothing is being dragged.
#[derive(Debug, Clone, PartialEq)]
struct Ends {
    from: String,
    port: String,
    to: String,
    /// (port position, input position); none while an end names no node.
    points: Option<(CanvasPoint, CanvasPoint)>,
}

#[component]
pub fn EdgeView(index: usize, events: CanvasEvents) -> impl IntoView {
    let studio = use_studio();
    let ends = Memo::new(move |_| {
        studio.document.with(|d| {
            let edge = d.flow.edges.get(index)?;
            let port = edge.port_name();
            let points = studio.node_index.with(|ix| {
                let from = &d.flow.nodes[*ix.get(&edge.from)?];
                let to = &d.flow.nodes[*ix.get(&edge.to)?];
                let (ix, iy) = input_offset();
                Some((port_position(&from.ports(), port, from.x, from.y), CanvasPoint { x: to.x + ix, y: to.y + iy }))
            });
            Some(Ends { from: edge.from.clone(), port: port.to_owned(), to: edge.to.clone(), points })
        })
    });
    // Runs on every pointer move of a drag: offsets and arithmetic only.
    let path = Memo::new(move |_| {
        ends.with(|ends| {
            let ends = ends.as_ref()?;
            let (start, end) = ends.points?;
            let offset = |id: &String| {
                studio
                    .drag
                    .with(|drag| drag.as_ref().filter(|d| d.ids.contains(id)).map_or((0.0, 0.0), |d| (d.dx, d.dy)))
            };
            let (from_offset, to_offset) = (offset(&ends.from), offset(&ends.to));
            Some(edge_path(
                CanvasPoint { x: start.x + from_offset.0, y: start.y + from_offset.1 },
                CanvasPoint { x: end.x + to_offset.0, y: end.y + to_offset.1 },
            ))
        })
    });
    let selected = Memo::new(move |_| studio.selection.with(|s| s.edge == Some(index)));
    let mark = Memo::new(move |_| {
        studio.findings.with(|f| f.iter().filter(|f| f.edge == Some(index)).map(|f| f.severity).min())
    });
    let class = move || {
        let mut class = "cf-edge".to_owned();
        if selected.get() {
            class.push_str(" cf-edge--selected");
        }
        match mark.get() {
            Some(Severity::Error) => class.push_str(" cf-edge--error"),
            Some(Severity::Warning) => class.push_str(" cf-edge--warning"),
            None => {}
        }
        class
    };
    view! {
        <g
            class=class
            data-testid="edge"
            data-edge-index=index
            data-from=move || ends.with(|e| e.as_ref().map(|e| e.from.clone()))
            data-port=move || ends.with(|e| e.as_ref().map(|e| e.port.clone()))
            data-to=move || ends.with(|e| e.as_ref().map(|e| e.to.clone()))
            on:pointerdown=move |ev| events.edge_pointer_down.run((index, ev))
        >
            {move || path.get().map(|d| view! {
                <path class="cf-edge__hit" d=d.clone() />
                <path class="cf-edge__line" d=d marker-end="url(#cf-arrow)" />
            })}
        </g>
    }
}
