//! One edge: a curve from its port to its target. Its path is a memo that reads the drag offset only
//! while one of its ends is dragged, so a pointer move wakes only the edges whose ends move.

use callflow_core::diagnostic::Severity;
use leptos::prelude::*;

use super::geometry::{edge_path, input_offset, port_position};
use super::CanvasEvents;
use crate::state::use_studio;
use crate::state::viewport::CanvasPoint;

/// What an edge needs from the document, computed once per layout change (never per pointer move):
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
    // Follows the layout revision (ends, positions, ports), so a field edit leaves edges alone.
    let ends = Memo::new(move |_| {
        let index_of = studio.index.get();
        studio.layout.track();
        studio.document.with_untracked(|d| {
            let edge = d.flow.edges.get(index)?;
            let port = edge.port_name();
            let from = index_of.node(d, &edge.from).map(|i| &d.flow.nodes[i]);
            let to = index_of.node(d, &edge.to).map(|i| &d.flow.nodes[i]);
            let points = from.zip(to).map(|(from, to)| {
                let (ix, iy) = input_offset();
                (port_position(from, port), CanvasPoint { x: to.x + ix, y: to.y + iy })
            });
            Some(Ends { from: edge.from.clone(), port: port.to_owned(), to: edge.to.clone(), points })
        })
    });
    // Which ends are being dragged: changes when a drag starts or ends, not per pointer move.
    let dragged = Memo::new(move |_| {
        studio.drag_ids.with(|ids| {
            let Some(ids) = ids else { return (false, false) };
            ends.with(|e| e.as_ref().map_or((false, false), |e| (ids.contains(&e.from), ids.contains(&e.to))))
        })
    });
    let path = Memo::new(move |_| {
        let (from_dragged, to_dragged) = dragged.get();
        // Only an edge with a dragged end subscribes to the offset.
        let offset = if from_dragged || to_dragged { studio.drag_offset.get() } else { (0.0, 0.0) };
        ends.with(|ends| {
            let ends = ends.as_ref()?;
            let (start, end) = ends.points?;
            let pick = |dragged: bool| if dragged { offset } else { (0.0, 0.0) };
            let (from_offset, to_offset) = (pick(from_dragged), pick(to_dragged));
            Some(edge_path(
                CanvasPoint { x: start.x + from_offset.0, y: start.y + from_offset.1 },
                CanvasPoint { x: end.x + to_offset.0, y: end.y + to_offset.1 },
            ))
        })
    });
    let selected = Memo::new(move |_| studio.selection.with(|s| s.edge == Some(index)));
    let mark = Memo::new(move |_| studio.marks.with(|marks| marks.edges.get(&index).copied()));
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
