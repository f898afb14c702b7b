//! The inspector: the fields of the selected node (or edge, or the flow itself). Every change is one
//! core command, committed when a field is left or Enter is pressed, so one edit is one undo step.
//!
//! A node's plain fields come from the kind table (`callflow_core::document::KINDS`); a kind with
//! fields of its own shape has one form here (`menu`, `invoke`).

mod connections;
mod field;
mod flow;
mod invoke;
mod kept;
mod menu;
mod node;

use leptos::prelude::*;

use self::flow::FlowInspector;
use self::node::NodeInspector;
use crate::state::use_studio;

#[component]
pub fn Inspector() -> impl IntoView {
    let studio = use_studio();
    // The selected node's id and kind: the node inspector is rebuilt only when these change.
    let selected_node = Memo::new(move |_| {
        let id = studio.selection.with(|s| (s.nodes.len() == 1).then(|| s.nodes.iter().next().cloned()).flatten())?;
        let index = studio.index.get();
        let kind = studio.document.with(|d| index.node(d, &id).map(|i| d.flow.nodes[i].kind()))?;
        Some((id, kind))
    });
    let selected_edge = Memo::new(move |_| studio.selection.with(|s| s.edge));
    let many = Memo::new(move |_| studio.selection.with(|s| s.nodes.len()));

    view! {
        <aside class="cf-inspector" data-testid="inspector" aria-label="Inspector">
            {move || {
                if let Some((id, kind)) = selected_node.get() {
                    view! { <NodeInspector id=id kind=kind /> }.into_any()
                } else if let Some(index) = selected_edge.get() {
                    view! { <EdgeInspector index=index /> }.into_any()
                } else if many.get() > 1 {
                    let name = RwSignal::new("Extracted module".to_owned());
                    let extract = move |_| {
                        let selected = studio.selection.get_untracked().nodes;
                        let active = studio.outline.with_untracked(|o| o.active);
                        let module_name = name.get_untracked();
                        studio.edit_project(move |project| {
                            let extracted =
                                callflow_core::extract::extract_module(project, active, &selected, &module_name)?;
                            *project = extracted.project;
                            Ok(active)
                        });
                    };
                    view! {
                        <h2 class="cf-section-title">{format!("{} nodes selected", many.get())}</h2>
                        <p class="cf-muted">"Drag to move them together, Delete to remove them, Ctrl+D to duplicate."</p>
                        <fieldset class="cf-fieldset">
                            <legend>"Extract common module"</legend>
                            <p class="cf-muted">"Moves these steps into a new common module of the project and calls it from here. Its inputs are the variables they read before setting; its outputs the ones they set that the rest of the flow reads."</p>
                            <input class="cf-field__input" data-testid="extract-name" aria-label="Module name"
                                prop:value=move || name.get() on:input:target=move |ev| name.set(ev.target().value()) />
                            <button class="cf-button" data-testid="extract-module" on:click=extract>"Extract common module"</button>
                        </fieldset>
                    }
                    .into_any()
                } else {
                    view! { <FlowInspector /> }.into_any()
                }
            }}
        </aside>
    }
}

#[component]
fn EdgeInspector(index: usize) -> impl IntoView {
    let studio = use_studio();
    let edge = studio.document.with_untracked(|d| d.flow.edges.get(index).cloned());
    view! {
        <h2 class="cf-section-title">"Connection"</h2>
        {edge.map(|e| view! { <p>{format!("{} → {} (port {})", e.from, e.to, e.port_name())}</p> })}
        <button class="cf-button cf-button--danger" on:click=move |_| crate::canvas::delete_selection(studio)>"Delete connection"</button>
    }
}
