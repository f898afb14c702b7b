//! One node on the canvas. It reads its own memo, so moving or editing one node re-renders that node
//! only; only nodes in view exist at all (the canvas culls the rest). During a drag, only the
//! dragged nodes read the drag offset. Labels are text nodes: markup in a label is shown, never run.

use callflow_core::diagnostic::Severity;
use callflow_core::document::{Node, Port};
use leptos::prelude::*;

use super::geometry::{input_offset, node_height, port_offset, HEADER_HEIGHT, NODE_WIDTH};
use super::CanvasEvents;
use crate::state::use_studio;

#[component]
pub fn NodeView(id: String, events: CanvasEvents) -> impl IntoView {
    let studio = use_studio();
    let node_id = id.clone();
    let node: Memo<Option<Node>> = Memo::new(move |_| studio.node(&node_id));
    let drag_id = id.clone();
    let in_drag =
        Memo::new(move |_| studio.drag_ids.with(|ids| ids.as_ref().is_some_and(|ids| ids.contains(&drag_id))));
    let position = Memo::new(move |_| {
        let (x, y) = node.with(|n| n.as_ref().map_or((0.0, 0.0), |n| (n.x, n.y)));
        // Only a dragged node subscribes to the offset, so a pointer move wakes no other node.
        let offset = if in_drag.get() { studio.drag_offset.get() } else { (0.0, 0.0) };
        (x + offset.0, y + offset.1)
    });
    let selected_id = id.clone();
    let selected = Memo::new(move |_| studio.selection.with(|s| s.nodes.contains(&selected_id)));
    let mark_id = id.clone();
    let mark = Memo::new(move |_| studio.marks.with(|marks| marks.nodes.get(&mark_id).copied()));
    // While a call is simulated: `current` or `visited` (nothing else reads the simulator).
    let sim_id = id.clone();
    let simulation = use_context::<crate::panels::simulator_panel::Simulation>();
    let sim = Memo::new(move |_| simulation.and_then(|s| s.marks.with(|marks| marks.get(&sim_id).copied())));
    let ports: Memo<Vec<Port>> =
        Memo::new(move |_| node.with(|n| n.as_ref().map(|n| n.ports().collect()).unwrap_or_default()));

    let class = move || {
        let kind = node.with(|n| n.as_ref().map_or("", |n| n.kind().as_str()));
        let mut class = format!("cf-node cf-node--{kind}");
        if selected.get() {
            class.push_str(" cf-node--selected");
        }
        match mark.get() {
            Some(Severity::Error) => class.push_str(" cf-node--error"),
            Some(Severity::Warning) => class.push_str(" cf-node--warning"),
            None => {}
        }
        class
    };
    let height = move || node_height(ports.with(Vec::len));
    let indexed_ports = move || ports.get().into_iter().enumerate().collect::<Vec<_>>();
    let (input_x, input_y) = input_offset();
    let down_id = id.clone();
    let key_id = id.clone();
    let focus_id = id.clone();
    let port_owner = id.clone();

    view! {
        <g
            class=class
            data-testid="node"
            data-node-id=id.clone()
            data-sim=move || sim.get()
            data-kind=move || node.with(|n| n.as_ref().map(|n| n.kind().as_str()))
            transform=move || {
                let (x, y) = position.get();
                format!("translate({x:.1} {y:.1})")
            }
            tabindex="0"
            role="button"
            aria-label=move || {
                node.with(|n| {
                    n.as_ref().map(|n| format!("{}: {} ({})", n.kind().title(), n.label, n.id)).unwrap_or_default()
                })
            }
            aria-pressed=move || selected.get().to_string()
            on:pointerdown=move |ev| events.node_pointer_down.run((down_id.clone(), ev))
            on:keydown=move |ev| events.node_key_down.run((key_id.clone(), ev))
            on:focus=move |_| events.node_focus.run(focus_id.clone())
        >
            <rect class="cf-node__box" width=NODE_WIDTH height=height rx="7" />
            <rect class="cf-node__header" width=NODE_WIDTH height=HEADER_HEIGHT rx="7" />
            <text class="cf-node__label" x="10" y="18">
                {move || node.with(|n| n.as_ref().map(|n| truncate(&n.label, 21)).unwrap_or_default())}
            </text>
            <text class="cf-node__kind" x="10" y="33">
                {move || node.with(|n| n.as_ref().map(|n| n.kind().title()).unwrap_or_default())}
            </text>
            <title>{move || node.with(|n| n.as_ref().map(details).unwrap_or_default())}</title>
            <circle class="cf-node__input" cx=input_x cy=input_y r="5" />
            {move || {
                mark.get()
                    .map(|severity| {
                        let (class, sign) = match severity {
                            Severity::Error => ("cf-node__mark cf-node__mark--error", "!"),
                            Severity::Warning => ("cf-node__mark cf-node__mark--warning", "?"),
                        };
                        view! {
                            <g class=class transform={format!("translate({} 0)", NODE_WIDTH - 4.0)}>
                                <circle r="9" />
                                <text text-anchor="middle" y="4">{sign}</text>
                            </g>
                        }
                    })
            }}
            <For
                each=indexed_ports
                key=|(index, port)| (*index, port.name)
                let:item
            >
                {
                    let (index, port) = item;
                    let (px, py) = port_offset(index);
                    let port_name = port.name.as_str().to_owned();
                    let owner = port_owner.clone();
                    let required = port.required;
                    view! {
                        <g
                            class=if required { "cf-port cf-port--required" } else { "cf-port" }
                            data-testid="port"
                            data-node-id=port_owner.clone()
                            data-port=port.name.as_str()
                            on:pointerdown=move |ev| events.port_pointer_down.run((owner.clone(), port_name.clone(), ev))
                        >
                            <text class="cf-port__label" x={px - 12.0} y={py + 4.0} text-anchor="end">{port.name.as_str()}</text>
                            <circle class="cf-port__dot" cx=px cy=py r="6" />
                        </g>
                    }
                }
            </For>
        </g>
    }
}

fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(limit - 1).collect();
        short.push('…');
        short
    }
}

/// The hover text of a node: its kind, id and what it does.
fn details(node: &Node) -> String {
    format!("{} ({})\n{}", node.kind().title(), node.id, node.body.detail())
}
