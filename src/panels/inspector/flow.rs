//! The flow's own properties (name, description, division, greeting, language), its variables and its catalog.

use callflow_core::command::{Command, FlowProperties};
use leptos::prelude::*;

use super::field::TextField;
use crate::panels::catalog_editor::CatalogEditor;
use crate::panels::variables_panel::VariablesPanel;
use crate::state::use_studio;

#[component]
pub fn FlowInspector() -> impl IntoView {
    let studio = use_studio();
    // Live values: an edit elsewhere updates these inputs in place instead of rebuilding them.
    let properties = Memo::new(move |_| studio.document.with(FlowProperties::of));
    let show = move |read: fn(&FlowProperties) -> String| Signal::derive(move || properties.with(read));
    let commit = move |change: Box<dyn FnOnce(&mut FlowProperties)>| {
        let mut updated = studio.document.with_untracked(FlowProperties::of);
        change(&mut updated);
        if updated != studio.document.with_untracked(FlowProperties::of) {
            let _ = studio.dispatch(Command::SetFlowProperties { properties: updated });
        }
    };
    view! {
        <h2 class="cf-section-title">"Flow"</h2>
        <TextField label="Name" value=show(|p| p.name.clone()) testid="flow-name"
            on_commit=move |v: String| commit(Box::new(move |p| p.name = v)) />
        <TextField label="Description" value=show(|p| p.description.clone().unwrap_or_default())
            on_commit=move |v: String| commit(Box::new(move |p| p.description = (!v.is_empty()).then_some(v))) />
        <TextField label="Division" value=show(|p| p.division.clone()) testid="flow-division"
            placeholder="the org's home division"
            on_commit=move |v: String| commit(Box::new(move |p| p.division = v.trim().to_owned())) />
        <TextField label="Initial greeting" value=show(|p| p.initial_greeting.clone().unwrap_or_default())
            testid="flow-greeting" placeholder="no greeting"
            on_commit=move |v: String| commit(Box::new(move |p| {
                p.initial_greeting = (!v.trim().is_empty()).then_some(v)
            })) />
        <TextField label="Default language" value=show(|p| p.default_language.clone())
            on_commit=move |v: String| commit(Box::new(move |p| p.default_language = v)) />
        {move || studio.document.with(|d| d.flow.flow_type.is_module()).then(|| view! {
            <TextField label="Compatible flow types (comma separated)" value=show(|p| p.compatible_flow_types.join(", "))
                testid="flow-compatible-types" placeholder="inboundcall"
                on_commit=move |v: String| commit(Box::new(move |p| {
                    p.compatible_flow_types = v
                        .split(',')
                        .map(|t| t.trim().to_ascii_lowercase())
                        .filter(|t| !t.is_empty())
                        .collect();
                })) />
            <p class="cf-muted">"A common module: its variables are Common.x; mark the inputs callers pass and the outputs they get back. It ends with End module."</p>
        })}
        <VariablesPanel />
        {move || studio.document.with(|d| d.flow.archy.as_deref().map(|keys| {
            let shown: callflow_core::document::ArchyKeys = keys
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            view! {
                <details class="cf-kept" data-testid="flow-kept">
                    <summary>"Settings kept from the imported file"</summary>
                    <p class="cf-muted">"Written back as they were (settings, languages, greeting, event handling); the fields above replace the ones they model when you change them."</p>
                    <pre class="cf-code">{callflow_core::export::keys_yaml(&shown)}</pre>
                </details>
            }
        }))}
        <CatalogEditor />
    }
}
