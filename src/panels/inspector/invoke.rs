//! The invoke form: the module picker, the version, and the input and output mappings of the
//! module's contract. The contract is read live from the catalog, so "Load modules from org"
//! updates an open inspector.

use callflow_core::command::Command;
use callflow_core::document::{Module, ModuleType, NodeBody, TypeName, Variable};
use leptos::prelude::*;

use super::field::{update_node, FieldProblems, LiveProblems};
use crate::state::{use_studio, Studio};

/// Changes the module call of the invoke node with `id`.
fn update_call(studio: Studio, id: &str, change: impl FnOnce(&mut callflow_core::document::ModuleCall)) {
    update_node(studio, id, |n| {
        if let NodeBody::Invoke(call) = &mut n.body {
            change(call);
        }
    });
}

/// Built once per selected invoke node: the module, version and mappings follow the node's current
/// values, so a commit keeps the keyboard focus. The mapping rows are rebuilt only when the module's
/// contract changes (another module picked, or the catalog reloaded).
#[component]
pub fn InvokeFields(id: String, body: Memo<Option<NodeBody>>) -> impl IntoView {
    let studio = use_studio();
    let search = RwSignal::new(String::new());
    let call =
        Memo::new(move |_| body.with(|b| b.as_ref().and_then(NodeBody::module_call).cloned().unwrap_or_default()));
    let module_name = Memo::new(move |_| call.with(|c| c.module.clone()));
    let module = Memo::new(move |_| module_name.with(|name| studio.document.with(|d| d.module(name).cloned())));
    let matches = move || {
        let query = search.get().to_lowercase();
        studio.document.with(|d| {
            d.modules
                .iter()
                .filter(|m| query.is_empty() || m.name.to_lowercase().contains(&query))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let current_version = Memo::new(move |_| call.with(|c| c.version.clone().unwrap_or_else(|| "latest".to_owned())));
    let (pick_id, version_id, mappings_id) = (id.clone(), id.clone(), id.clone());
    view! {
        <fieldset class="cf-fieldset">
            <legend>"Common module"</legend>
            <p class="cf-field__value" data-testid="invoke-module">
                {move || module_name.with(|name| if name.is_empty() { "none chosen".to_owned() } else { name.clone() })}
            </p>
            <input class="cf-field__input" type="search" placeholder="Search the catalog" aria-label="Search modules"
                data-testid="module-search"
                on:input:target=move |ev| search.set(ev.target().value()) />
            <ul class="cf-picker" role="listbox" aria-label="Modules">
                {move || matches().into_iter().map(|m| {
                    let name = m.name.clone();
                    let chosen_name = name.clone();
                    let chosen = move || module_name.with(|current| *current == chosen_name).to_string();
                    let node_id = pick_id.clone();
                    let types = if m.compatible_flow_types.is_empty() { "no flow types".to_owned() } else { m.compatible_flow_types.join(", ") };
                    let version = match (m.published, &m.published_version) {
                        (true, Some(v)) => format!("v{v}"),
                        _ => "not published".to_owned(),
                    };
                    let kind = if m.module_type == ModuleType::Workflow { " · workflow" } else { "" };
                    view! {
                        <li role="option" aria-selected=chosen>
                            <button class="cf-picker__item" data-testid="module-option" data-module=name.clone()
                                on:click=move |_| update_call(studio, &node_id, |call| {
                                    call.module = name.clone();
                                    call.module_id = None;
                                    call.version = Some("latest".to_owned());
                                })>
                                <span class="cf-picker__name">{m.name.clone()}</span>
                                <span class="cf-picker__meta">{format!("{version} · {types}{kind}")}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <label class="cf-field">
                <span class="cf-field__label">"Version"</span>
                <select class="cf-field__input" data-testid="field-version"
                    on:change:target=move |ev| update_call(studio, &version_id, |call| call.version = Some(ev.target().value()))>
                    <option value="latest" prop:selected=move || current_version.with(|v| v == "latest")>"latest published"</option>
                    {move || {
                        module.with(|m| m.as_ref().map(|m| m.published_version.iter().chain(m.versions.iter()).cloned().collect::<Vec<_>>()).unwrap_or_default())
                            .into_iter()
                            .map(|v| {
                                let (option, value) = (v.clone(), v.clone());
                                view! { <option value=value prop:selected=move || current_version.with(|c| *c == option)>{v}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <LiveProblems node_id=id.clone() field="module" />
        </fieldset>
        {move || module.get().map(|m| view! { <ModuleMappings node_id=mappings_id.clone() call=call module=m /> })}
    }
}

#[component]
fn ModuleMappings(node_id: String, call: Memo<callflow_core::document::ModuleCall>, module: Module) -> impl IntoView {
    let studio = use_studio();
    let variables = Memo::new(move |_| studio.document.with(|d| d.flow.variables.clone()));
    let contract_id = node_id.clone();
    view! {
        <fieldset class="cf-fieldset">
            <legend>"Inputs"</legend>
            <table class="cf-table">
                <thead><tr><th>"Input"</th><th>"Type"</th><th>"Value (expression)"</th></tr></thead>
                <tbody>
                    {module.inputs.iter().map(|p| {
                        let name = p.name.clone();
                        let shown = p.name.clone();
                        let id = node_id.clone();
                        let field = format!("inputs.{}", p.name);
                        let problem_id = node_id.clone();
                        let problems = move || studio.findings.with(|f| f.iter().filter(|d| d.node.as_deref() == Some(problem_id.as_str()) && d.field.as_deref() == Some(field.as_str())).cloned().collect::<Vec<_>>());
                        view! {
                            <tr>
                                <td>{p.name.clone()}{p.required.then_some(" *")}</td>
                                <td>{p.value_type.to_string()}</td>
                                <td>
                                    <input class="cf-field__input" list="cf-variables" data-testid="input-expression" data-input=p.name.clone()
                                        aria-label=format!("Value for {}", p.name)
                                        prop:value=move || call.with(|c| c.inputs.get(&shown).cloned().unwrap_or_default())
                                        on:change:target=move |ev| {
                                            let value = ev.target().value();
                                            update_call(studio, &id, |call| {
                                                if value.trim().is_empty() { call.inputs.shift_remove(&name); } else { call.inputs.insert(name.clone(), value); }
                                            })
                                        } />
                                    {move || view! { <FieldProblems findings=problems() /> }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || {
                use callflow_core::Code;
                let contract: Vec<_> = studio.findings.with(|f| f.iter().filter(|d| d.node.as_deref() == Some(contract_id.as_str()) && matches!(d.code, Code::UnknownInput | Code::UnknownOutput | Code::MissingRequiredInput)).cloned().collect());
                view! { <FieldProblems findings=contract /> }
            }}
        </fieldset>
        <fieldset class="cf-fieldset">
            <legend>"Outputs to flow variables"</legend>
            <table class="cf-table">
                <thead><tr><th>"Output"</th><th>"Type"</th><th>"Flow variable"</th></tr></thead>
                <tbody>
                    {module.outputs.iter().map(|p| {
                        let name = p.name.clone();
                        let (map_id, declare_id) = (node_id.clone(), node_id.clone());
                        let declare_name = p.name.clone();
                        let value_type = p.value_type;
                        let output = p.name.clone();
                        let current = Memo::new(move |_| call.with(|c| c.outputs.get(&output).cloned().unwrap_or_default()));
                        view! {
                            <tr>
                                <td>{p.name.clone()}</td>
                                <td>{p.value_type.to_string()}</td>
                                <td>
                                    <select class="cf-field__input" data-testid="output-target" data-output=p.name.clone()
                                        aria-label=format!("Flow variable for {}", p.name)
                                        on:change:target=move |ev| {
                                            let value = ev.target().value();
                                            update_call(studio, &map_id, |call| {
                                                if value.is_empty() { call.outputs.shift_remove(&name); } else { call.outputs.insert(name.clone(), value); }
                                            })
                                        }>
                                        <option value="" prop:selected=move || current.with(String::is_empty)>"(not kept)"</option>
                                        {move || variables.get().into_iter().map(|v: Variable| {
                                            let option = v.name.clone();
                                            view! {
                                                <option value=v.name.clone() prop:selected=move || current.with(|c| *c == option)>{format!("{} ({})", v.name, v.value_type)}</option>
                                            }
                                        }).collect_view()}
                                    </select>
                                    <button class="cf-button cf-button--small" data-testid="declare-output"
                                        on:click=move |_| declare_for_output(studio, &declare_id, &declare_name, value_type)>"New variable"</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </fieldset>
    }
}

/// `Flow.<bare output name>`, or with a number when that is taken: `Common.verified` → `Flow.verified`.
pub fn variable_for_output(output: &str, existing: &[String]) -> String {
    let bare = output.rsplit('.').next().unwrap_or(output);
    std::iter::once(format!("Flow.{bare}"))
        .chain((2..).map(|n| format!("Flow.{bare}{n}")))
        .find(|candidate| !existing.contains(candidate))
        .unwrap_or_default()
}

/// Declares a flow variable for a module output with the output's type and maps the output to it:
/// one undo step.
fn declare_for_output(studio: Studio, node_id: &str, output: &str, value_type: TypeName) {
    let Some(mut updated) = studio.document.with_untracked(|d| d.node(node_id).cloned()) else { return };
    let existing =
        studio.document.with_untracked(|d| d.flow.variables.iter().map(|v| v.name.clone()).collect::<Vec<_>>());
    let name = variable_for_output(output, &existing);
    if let NodeBody::Invoke(call) = &mut updated.body {
        call.outputs.insert(output.to_owned(), name.clone());
    }
    let _ = studio.dispatch(Command::Batch {
        commands: vec![
            Command::AddVariable { variable: Variable::new(name, value_type), index: None },
            Command::UpdateNode { id: node_id.to_owned(), node: updated },
        ],
    });
}

#[cfg(test)]
mod tests {
    use super::variable_for_output;

    #[test]
    fn an_output_gets_a_free_flow_variable_named_after_it() {
        assert_eq!(variable_for_output("Common.verified", &[]), "Flow.verified");
        let taken = vec!["Flow.verified".to_owned(), "Flow.verified2".to_owned()];
        assert_eq!(variable_for_output("Common.verified", &taken), "Flow.verified3");
    }
}
