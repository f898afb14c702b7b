//! The connections form: each output port with the node it leads to, so a flow can be wired with the
//! keyboard alone.

use callflow_core::command::Command;
use callflow_core::document::{Node, NodeKind};
use leptos::prelude::*;

use crate::state::use_studio;

/// Each output port with the node it leads to: connect, reconnect or disconnect with the keyboard.
#[component]
pub fn Connections(node: Node) -> impl IntoView {
    let studio = use_studio();
    let ports: Vec<callflow_core::document::Port> = node.ports().collect();
    let from = node.id.clone();
    view! {
        <fieldset class="cf-fieldset">
            <legend>"Connections"</legend>
            {if ports.is_empty() { Some(view! { <p class="cf-muted">"This node ends the call: it has no outputs."</p> }) } else { None }}
            {ports.into_iter().map(|port| {
                let from = from.clone();
                let port_name = port.name.as_str();
                let target = Memo::new(move |_| studio.document.with(|d| {
                    d.flow.edges.iter().find(|e| e.from == from && e.port_name() == port_name).map(|e| e.to.clone()).unwrap_or_default()
                }));
                let (command_from, command_port) = (node.id.clone(), port.name.as_str().to_owned());
                let others = studio.document.with_untracked(|d| d.flow.nodes.iter().filter(|n| n.kind() != NodeKind::Start).map(|n| (n.id.clone(), n.label.clone())).collect::<Vec<_>>());
                view! {
                    <label class="cf-field">
                        <span class="cf-field__label">{format!("{}{}", port.name, if port.required { " *" } else { "" })}</span>
                        <select class="cf-field__input" data-testid="connect-select" data-port=port.name.as_str()
                            on:change:target=move |ev| {
                                let to = ev.target().value();
                                let command = if to.is_empty() {
                                    Command::Disconnect { from: command_from.clone(), port: command_port.clone() }
                                } else {
                                    Command::Connect { from: command_from.clone(), port: command_port.clone(), to }
                                };
                                let _ = studio.dispatch(command);
                            }>
                            <option value="" selected=move || target.with(String::is_empty)>"(not connected)"</option>
                            {others.into_iter().map(|(id, label)| {
                                let option_id = id.clone();
                                view! { <option value=id.clone() selected=move || target.with(|t| *t == option_id)>{format!("{label} ({id})")}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}
