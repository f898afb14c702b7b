//! The connections form: each output port with the node it leads to, so a flow can be wired with the
//! keyboard alone.
//!
//! The target is typed (or picked from suggestions) as a node id. The suggestions are filled when a
//! connection field gains focus and emptied when it loses it: a list of every node, kept current on
//! every edit, would cost time in proportion to the flow on each keystroke elsewhere.

use callflow_core::command::Command;
use callflow_core::document::{NodeKind, Port};
use leptos::prelude::*;

use crate::state::{use_studio, Studio};

const SUGGESTIONS: &str = "cf-connect-targets";

/// Each output port with the node it leads to: connect, reconnect or disconnect with the keyboard.
#[component]
pub fn Connections(id: String, #[prop(into)] ports: Signal<Vec<Port>>) -> impl IntoView {
    let studio = use_studio();
    let suggestions = RwSignal::new(Vec::<(String, String)>::new());
    let fill = move || {
        let all = studio.document.with_untracked(|d| {
            d.flow
                .nodes
                .iter()
                .filter(|n| n.kind() != NodeKind::Start)
                .map(|n| (n.id.clone(), n.label.clone()))
                .collect()
        });
        suggestions.set(all);
    };
    view! {
        <fieldset class="cf-fieldset">
            <legend>"Connections"</legend>
            {move || ports.with(Vec::is_empty).then(|| view! { <p class="cf-muted">"This node ends the call: it has no outputs."</p> })}
            // A port shows once, even when two menu choices share a digit (validation reports that).
            <For each=move || unique(ports.get()) key=|port| port.name let:port>
                <PortTarget from=id.clone() port=port on_focus=fill on_blur=move || suggestions.set(Vec::new()) />
            </For>
            <datalist id=SUGGESTIONS>
                {move || suggestions.get().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
            </datalist>
        </fieldset>
    }
}

/// The ports without repeats, in order.
fn unique(mut ports: Vec<Port>) -> Vec<Port> {
    let mut seen: callflow_core::document::PortSet = 0;
    ports.retain(|port| {
        let fresh = seen & port.name.bit() == 0;
        seen |= port.name.bit();
        fresh
    });
    ports
}

/// One port's target field: empty means not connected.
#[component]
fn PortTarget(
    from: String,
    port: Port,
    #[prop(into)] on_focus: Callback<()>,
    #[prop(into)] on_blur: Callback<()>,
) -> impl IntoView {
    let studio = use_studio();
    let name = port.name;
    let source = from.clone();
    // Read from the shared index: no scan of the edges.
    let target = Memo::new(move |_| {
        let index = studio.index.get();
        studio.document.with(|d| {
            let at = index.node(d, &source)?;
            index.target(at, name).map(|to| d.flow.nodes[to].id.clone())
        })
    });
    view! {
        <label class="cf-field">
            <span class="cf-field__label">{format!("{}{}", name, if port.required { " *" } else { "" })}</span>
            <input class="cf-field__input" type="text" data-testid="connect-target" data-port=name.as_str()
                list=SUGGESTIONS placeholder="(not connected)" autocomplete="off"
                prop:value=move || target.get().unwrap_or_default()
                on:focus=move |_| on_focus.run(())
                on:blur=move |_| on_blur.run(())
                on:change:target=move |ev| {
                    let input = ev.target();
                    let current = target.get_untracked().unwrap_or_default();
                    let wanted = input.value().trim().to_owned();
                    if wanted == current || !connect(studio, &from, name.as_str(), &wanted) {
                        input.set_value(&current);
                    }
                } />
        </label>
    }
}

/// Connects `from`'s `port` to the node `to`, or disconnects it when `to` is empty. False (after
/// saying why) when `to` names no node or the edit is refused.
fn connect(studio: Studio, from: &str, port: &str, to: &str) -> bool {
    let (from, port) = (from.to_owned(), port.to_owned());
    if to.is_empty() {
        return studio.dispatch(Command::Disconnect { from, port }).is_ok();
    }
    let index = studio.index.get_untracked();
    let kind = studio.document.with_untracked(|d| index.node(d, to).map(|at| d.flow.nodes[at].kind()));
    match kind {
        None => {
            studio.tell_error(format!("No node has the id “{to}”: the {port} port of {from} is unchanged."));
            return false;
        }
        Some(NodeKind::Start) => {
            studio.tell_error(format!(
                "“{to}” is the start node; a call only begins there, so nothing can lead into it."
            ));
            return false;
        }
        Some(_) => {}
    }
    studio.dispatch(Command::Connect { from, port, to: to.to_owned() }).is_ok()
}
