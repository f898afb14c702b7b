//! The module catalog: load the demo catalog, import a catalog JSON (a list of modules, or
//! `{"modules": [...], "queues": [...]}`), or add a module by hand for offline design.

use callflow_core::command::Command;
use callflow_core::document::{Module, Parameter, Queue, TypeName};
use leptos::prelude::*;
use serde::Deserialize;

use crate::state::{use_studio, Studio};

pub const DEMO_CATALOG: &str = include_str!("../../public/catalog/demo-catalog.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    modules: Vec<Module>,
    #[serde(default)]
    queues: Vec<Queue>,
}

/// Reads a catalog JSON: `{modules, queues}` or a bare list of modules.
pub fn parse_catalog(text: &str) -> Result<(Vec<Module>, Option<Vec<Queue>>), String> {
    if let Ok(file) = serde_json::from_str::<CatalogFile>(text) {
        return Ok((file.modules, Some(file.queues)));
    }
    serde_json::from_str::<Vec<Module>>(text).map(|m| (m, None)).map_err(|e| format!("not a module catalog: {e}"))
}

/// Replaces the catalog (and the queues, when the file has them): one undo step.
pub fn load_catalog(studio: Studio, text: &str) {
    match parse_catalog(text) {
        Ok((modules, queues)) => {
            let count = modules.len();
            let mut commands = vec![Command::SetModules { modules }];
            if let Some(queues) = queues {
                commands.push(Command::SetQueues { queues });
            }
            if studio.dispatch(Command::Batch { commands }).is_ok() {
                studio.tell(format!("Loaded {count} module(s) into the catalog."));
            }
        }
        Err(error) => studio.tell_error(error),
    }
}

/// `Common.callerId:string!` → a required string input; one per line or comma.
fn parse_parameters(text: &str) -> Result<Vec<Parameter>, String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (name, rest) = item.split_once(':').unwrap_or((item, "string"));
            let required = rest.ends_with('!');
            let type_text = rest.trim_end_matches('!').trim();
            let value_type =
                TypeName::parse(type_text).ok_or_else(|| format!("\"{type_text}\" is not a type (in \"{item}\")"))?;
            let name = name.trim();
            let name = if name.contains('.') { name.to_owned() } else { format!("Common.{name}") };
            Ok(Parameter { name, value_type, required })
        })
        .collect()
}

#[component]
pub fn CatalogEditor() -> impl IntoView {
    let studio = use_studio();
    let name = RwSignal::new(String::new());
    let inputs = RwSignal::new(String::new());
    let outputs = RwSignal::new(String::new());
    let pasted = RwSignal::new(String::new());
    let add = move || {
        let module_name = name.get_untracked().trim().to_owned();
        if module_name.is_empty() {
            studio.tell_error("Give the module its name, exactly as in Architect.");
            return;
        }
        let parsed = parse_parameters(&inputs.get_untracked())
            .and_then(|i| parse_parameters(&outputs.get_untracked()).map(|o| (i, o)));
        match parsed {
            Ok((inputs_list, outputs_list)) => {
                let module = Module {
                    id: None,
                    name: module_name,
                    module_type: Default::default(),
                    published: true,
                    published_version: Some("1.0".to_owned()),
                    versions: Vec::new(),
                    compatible_flow_types: vec!["inboundcall".to_owned()],
                    inputs: inputs_list,
                    outputs: outputs_list,
                    unknown_contract: false,
                    authored: false,
                };
                if studio.dispatch(Command::AddModule { module, index: None }).is_ok() {
                    name.set(String::new());
                    inputs.set(String::new());
                    outputs.set(String::new());
                }
            }
            Err(error) => studio.tell_error(error),
        }
    };
    view! {
        <fieldset class="cf-fieldset" data-testid="catalog">
            <legend>"Module catalog"</legend>
            <ul class="cf-list">
                {move || studio.document.with(|d| d.modules.iter().enumerate().map(|(index, m)| {
                    let status = match (m.published, &m.published_version) { (true, Some(v)) => format!("v{v}"), _ => "not published".to_owned() };
                    view! {
                        <li class="cf-row" data-testid="catalog-module">
                            <span class="cf-grow">{m.name.clone()}</span>
                            <span class="cf-muted">{status}</span>
                            <button class="cf-button cf-button--small" aria-label=format!("Remove {}", m.name)
                                on:click=move |_| { let _ = studio.dispatch(Command::RemoveModule { index }); }>"×"</button>
                        </li>
                    }
                }).collect_view())}
            </ul>
            <button class="cf-button" data-testid="load-demo-catalog" on:click=move |_| load_catalog(studio, DEMO_CATALOG)>"Load the demo catalog"</button>
            <details class="cf-details">
                <summary>"Add a module by hand"</summary>
                <input class="cf-field__input" placeholder="Module name" aria-label="Module name" prop:value=move || name.get() on:input:target=move |ev| name.set(ev.target().value()) />
                <input class="cf-field__input" placeholder="Inputs: Common.callerId:string!, ..." aria-label="Module inputs" prop:value=move || inputs.get() on:input:target=move |ev| inputs.set(ev.target().value()) />
                <input class="cf-field__input" placeholder="Outputs: Common.verified:boolean, ..." aria-label="Module outputs" prop:value=move || outputs.get() on:input:target=move |ev| outputs.set(ev.target().value()) />
                <button class="cf-button" on:click=move |_| add()>"Add module"</button>
            </details>
            <details class="cf-details">
                <summary>"Import a catalog JSON"</summary>
                <textarea class="cf-field__input" rows="4" aria-label="Catalog JSON" on:input:target=move |ev| pasted.set(ev.target().value())></textarea>
                <button class="cf-button" on:click=move |_| load_catalog(studio, &pasted.get_untracked())>"Import"</button>
            </details>
        </fieldset>
    }
}
