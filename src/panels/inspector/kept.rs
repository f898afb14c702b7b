//! What an imported node keeps as written: the Archy YAML of an action the designer does not model
//! (editable: a change is checked as YAML before it is taken), and, for the other kinds, the keys
//! the export writes back unchanged (shown, not edited here).

use callflow_core::document::{ArchyKeys, Node, NodeBody};
use leptos::prelude::*;

use super::field::update_node;
use crate::state::use_studio;

/// The kept keys as YAML, without the placeholders of what the graph holds.
fn yaml_of(keys: &ArchyKeys) -> String {
    let shown: ArchyKeys =
        keys.iter().filter(|(_, value)| !value.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
    callflow_core::export::keys_yaml(&shown)
}

#[component]
pub fn KeptKeys(id: String, node: Memo<Option<Node>>) -> impl IntoView {
    let studio = use_studio();
    let id = StoredValue::new(id);
    let error = RwSignal::new(None::<String>);
    let text = Memo::new(move |_| node.with(|n| n.as_ref().and_then(|n| n.archy_keys().map(yaml_of))));
    let action = Memo::new(move |_| {
        node.with(|n| match n.as_ref().map(|n| &n.body) {
            Some(NodeBody::Archy(action)) => {
                Some((action.action.clone(), action.paths.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")))
            }
            _ => None,
        })
    });
    // The YAML is read by the import worker (the parser is not in the first load).
    let commit = move |value: String| {
        crate::worker::ask(serde_json::json!({ "keys": value }), move |answer| match answer.get("keys") {
            Some(serde_json::Value::Object(keys)) => {
                if keys.contains_key("outputs") {
                    error.set(Some("outputs are the node's ports: connect them on the canvas".to_owned()));
                    return;
                }
                error.set(None);
                let keys = keys.clone();
                id.with_value(|id| {
                    update_node(studio, id, move |n| {
                        if let Some(carried) = n.carried.as_mut() {
                            carried.keys = keys;
                        }
                    })
                });
            }
            _ => error.set(Some(answer["error"].as_str().unwrap_or("the keys could not be read").to_owned())),
        });
    };
    view! {
        {move || action.get().map(|(key, paths)| view! {
            <p class="cf-muted" data-testid="archy-action">{format!("Archy action {key}")}
                {(!paths.is_empty()).then(|| format!("; paths: {paths}"))}</p>
        })}
        {move || text.get().map(|yaml| {
            if action.get().is_some() {
                view! {
                    <label class="cf-field">
                        <span class="cf-field__label">"Its keys, as written (YAML)"</span>
                        <textarea class="cf-field__input cf-code" rows="10" data-testid="archy-yaml" spellcheck="false"
                            prop:value=yaml
                            on:change:target=move |ev| commit(ev.target().value()) />
                    </label>
                    {move || error.get().map(|message| view! { <p class="cf-error" data-testid="archy-yaml-error">{message}</p> })}
                }
                .into_any()
            } else {
                view! {
                    <details class="cf-kept">
                        <summary>"Kept from the imported file"</summary>
                        <p class="cf-muted">"The export writes these keys back as they were; the fields above replace the ones they model when you change them."</p>
                        <pre class="cf-code" data-testid="kept-yaml">{yaml}</pre>
                    </details>
                }
                .into_any()
            }
        })}
    }
}
