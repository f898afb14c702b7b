//! One edge: a curve from its port to its target. Its path is a memo, so a drag re-renders only the
//! edges whose ends move.

use callflow_core::diagnostic::Severity;
use leptos::prelude::*;

use super::geometry::{edge_path, input_offset};
use super::{port_point, CanvasEvents};
use crate::state::use_studio;
use crate::state::viewport::CanvasPoint;

#[component]
pub fn EdgeView(index: usize, events: CanvasEvents) -> impl IntoView {
    let studio = use_studio();
    let ends = Memo::new(move |_| {
        studio.document.with(|d| {
            let edge = d.flow.edges.get(index)?;
            studio.node_index.with(|ix| {
                let from = &d.flow.nodes[*ix.get(&edge.from)?];
                let to = &d.flow.nodes[*ix.get(&edge.to)?];
                Some((from.clone(), edge.port_name().to_owned(), to.id.clone(), to.x, to.y, edge.from.clone()))
            })
        })
    });
    let path = Memo::new(move |_| {
        let (from, port, to_id, to_x, to_y, _) = ends.get()?;
        let (from_offset, to_offset) = studio.drag.with(|drag| match drag {
            Some(d) => (
                if d.ids.contains(&from.id) { (d.dx, d.dy) } else { (0.0, 0.0) },
                if d.ids.contains(&to_id) { (d.dx, d.dy) } else { (0.0, 0.0) },
            ),
            None => ((0.0, 0.0), (0.0, 0.0)),
        });
        let start = port_point(&from, &port, from_offset);
        let (ix, iy) = input_offset();
        let end = CanvasPoint { x: to_x + to_offset.0 + ix, y: to_y + to_offset.1 + iy };
        Some(edge_path(start, end))
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
    let attributes = move || {
        studio
            .document
            .with(|d| d.flow.edges.get(index).map(|e| (e.from.clone(), e.port_name().to_owned(), e.to.clone())))
    };
    view! {
        <g
            class=class
            data-testid="edge"
            data-edge-index=index
            data-from=move || attributes().map(|a| a.0)
            data-port=move || attributes().map(|a| a.1)
            data-to=move || attributes().map(|a| a.2)
            on:pointerdown=move |ev| events.edge_pointer_down.run((index, ev))
        >
            {move || path.get().map(|d| view! {
                <path class="cf-edge__hit" d=d.clone() />
                <path class="cf-edge__line" d=d marker-end="url(#cf-arrow)" />
            })}
        </g>
    }
}
