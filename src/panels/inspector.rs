//! The inspector: the fields of the selected node (or edge, or the flow itself). Every change is one
//! core command, committed when a field is left or Enter is pressed, so one edit is one undo step.

use callflow_core::command::{Command, FlowProperties};
use callflow_core::diagnostic::Diagnostic;
use callflow_core::document::{Module, Node, NodeKind, TypeName, Variable};
use leptos::prelude::*;

use super::catalog_editor::CatalogEditor;
use super::variables_panel::VariablesPanel;
use crate::state::{use_studio, Selection, Studio};

#[component]
pub fn Inspector() -> impl IntoView {
    let studio = use_studio();
    let selected_node = Memo::new(move |_| {
        let selection = studio.selection.get();
        if selection.nodes.len() != 1 {
            return None;
        }
        let id = selection.nodes.iter().next()?.clone();
        studio
            .node_index
            .with(|ix| ix.get(&id).copied())
            .and_then(|i| studio.document.with(|d| d.flow.nodes.get(i).cloned()))
    });
    let selected_edge = Memo::new(move |_| studio.selection.with(|s| s.edge));
    let many = Memo::new(move |_| studio.selection.with(|s| s.nodes.len()));

    view! {
        <aside class="cf-inspector" data-testid="inspector" aria-label="Inspector">
            {move || {
                if let Some(node) = selected_node.get() {
                    view! { <NodeInspector node=node /> }.into_any()
                } else if let Some(index) = selected_edge.get() {
                    view! { <EdgeInspector index=index /> }.into_any()
                } else if many.get() > 1 {
                    view! {
                        <h2 class="cf-section-title">{format!("{} nodes selected", many.get())}</h2>
                        <p class="cf-muted">"Drag to move them together, Delete to remove them, Ctrl+D to duplicate."</p>
                    }
                    .into_any()
                } else {
                    view! { <FlowInspector /> }.into_any()
                }
            }}
        </aside>
    }
}

/// Replaces a node's fields with `change` applied: one command.
fn update_node(studio: Studio, node: &Node, change: impl FnOnce(&mut Node)) {
    let mut updated = node.clone();
    change(&mut updated);
    if updated != *node {
        let _ = studio.dispatch(Command::UpdateNode { id: node.id.clone(), node: updated });
    }
}

/// Findings of one node's field, shown under the field.
fn field_findings(studio: Studio, node_id: String, field: &'static str) -> impl Fn() -> Vec<Diagnostic> {
    move || {
        studio.findings.with(|f| {
            f.iter()
                .filter(|d| {
                    d.node.as_deref() == Some(node_id.as_str())
                        && d.field.as_deref().is_some_and(|x| x == field || x.starts_with(&format!("{field}.")))
                })
                .cloned()
                .collect()
        })
    }
}

#[component]
fn FieldProblems(findings: Vec<Diagnostic>) -> impl IntoView {
    findings
        .into_iter()
        .map(|d| {
            let class = if d.is_error() { "cf-field__problem cf-field__problem--error" } else { "cf-field__problem" };
            view! {
                <p class=class role="note">
                    {d.message.clone()}
                    {d.hint.clone().map(|h| view! { <span class="cf-field__hint">{format!(" ({h})")}</span> })}
                </p>
            }
        })
        .collect_view()
}

/// A text field committed on change (blur or Enter).
#[component]
fn TextField(
    label: &'static str,
    value: String,
    #[prop(optional)] testid: &'static str,
    #[prop(optional)] list: &'static str,
    #[prop(into)] on_commit: Callback<String>,
) -> impl IntoView {
    view! {
        <label class="cf-field">
            <span class="cf-field__label">{label}</span>
            <input
                class="cf-field__input"
                type="text"
                data-testid=testid
                list=list
                prop:value=value
                on:change:target=move |ev| on_commit.run(ev.target().value())
            />
        </label>
    }
}

#[component]
fn NodeInspector(node: Node) -> impl IntoView {
    let studio = use_studio();
    let kind = node.kind;
    let id = node.id.clone();
    let rename_from = id.clone();
    let n = node.clone();
    let label_node = node.clone();
    view! {
        <h2 class="cf-section-title">{kind.title()}</h2>
        <TextField
            label="Id"
            value=id.clone()
            testid="field-id"
            on_commit=move |to: String| {
                if to != rename_from {
                    let _ = studio.dispatch(Command::RenameNode { from: rename_from.clone(), to: to.clone() });
                    studio.selection.set(Selection::node(&to));
                }
            }
        />
        <TextField
            label="Label"
            value=node.label.clone()
            testid="field-label"
            on_commit=move |label: String| update_node(studio, &label_node, |n| n.label = label)
        />
        {kind_fields(studio, n)}
        <Connections node=node.clone() />
        <button class="cf-button cf-button--danger" on:click=move |_| crate::canvas::delete_selection(studio)>"Delete node"</button>
    }
}

fn kind_fields(studio: Studio, node: Node) -> AnyView {
    let id = node.id.clone();
    match node.kind {
        NodeKind::Start | NodeKind::Disconnect => ().into_any(),
        NodeKind::Play => {
            let n = node.clone();
            view! {
                <TextField label="Prompt (text to speech)" value=node.prompt.clone().unwrap_or_default() testid="field-prompt"
                    on_commit=move |v: String| update_node(studio, &n, |n| n.prompt = Some(v)) />
                {move || view! { <FieldProblems findings=field_findings(studio, id.clone(), "prompt")() /> }}
            }
            .into_any()
        }
        NodeKind::Menu => view! { <MenuFields node=node /> }.into_any(),
        NodeKind::Decision => {
            let n = node.clone();
            view! {
                <TextField label="Condition (expression)" value=node.expression.clone().unwrap_or_default() testid="field-expression" list="cf-variables"
                    on_commit=move |v: String| update_node(studio, &n, |n| n.expression = Some(v)) />
                {move || view! { <FieldProblems findings=field_findings(studio, id.clone(), "expression")() /> }}
            }
            .into_any()
        }
        NodeKind::SetVariable => {
            let (a, b) = (node.clone(), node.clone());
            let id2 = id.clone();
            view! {
                <TextField label="Variable (Flow.name)" value=node.variable.clone().unwrap_or_default() testid="field-variable" list="cf-variables"
                    on_commit=move |v: String| update_node(studio, &a, |n| n.variable = Some(v)) />
                {move || view! { <FieldProblems findings=field_findings(studio, id.clone(), "variable")() /> }}
                <TextField label="Value (expression)" value=node.expression.clone().unwrap_or_default() testid="field-expression" list="cf-variables"
                    on_commit=move |v: String| update_node(studio, &b, |n| n.expression = Some(v)) />
                {move || view! { <FieldProblems findings=field_findings(studio, id2.clone(), "expression")() /> }}
            }
            .into_any()
        }
        NodeKind::Invoke => view! { <InvokeFields node=node /> }.into_any(),
        NodeKind::DataAction => view! { <DataActionFields node=node /> }.into_any(),
        NodeKind::Transfer => {
            let n = node.clone();
            view! {
                <TextField label="Queue" value=node.queue.clone().unwrap_or_default() testid="field-queue" list="cf-queues"
                    on_commit=move |v: String| update_node(studio, &n, |n| n.queue = Some(v)) />
                {move || view! { <FieldProblems findings=field_findings(studio, id.clone(), "queue")() /> }}
                <datalist id="cf-queues">
                    {move || studio.document.with(|d| d.queues.iter().map(|q| view! { <option value=q.name.clone() /> }).collect_view())}
                </datalist>
            }
            .into_any()
        }
    }
}

#[component]
fn MenuFields(node: Node) -> impl IntoView {
    let studio = use_studio();
    let prompt_node = node.clone();
    let id = node.id.clone();
    let choices = node.choices.clone().unwrap_or_default();
    let add_node = node.clone();
    view! {
        <TextField label="Prompt" value=node.prompt.clone().unwrap_or_default() testid="field-prompt"
            on_commit=move |v: String| update_node(studio, &prompt_node, |n| n.prompt = Some(v)) />
        <fieldset class="cf-fieldset">
            <legend>"Choices"</legend>
            {choices.iter().enumerate().map(|(index, choice)| {
                let (digit_node, label_node, remove_node) = (node.clone(), node.clone(), node.clone());
                view! {
                    <div class="cf-row">
                        <input class="cf-field__input cf-field__input--digit" aria-label="Digit" prop:value=choice.digit.clone()
                            on:change:target=move |ev| update_node(studio, &digit_node, |n| {
                                if let Some(c) = n.choices.as_mut().and_then(|c| c.get_mut(index)) { c.digit = ev.target().value(); }
                            }) />
                        <input class="cf-field__input" aria-label="Choice label" prop:value=choice.label.clone()
                            on:change:target=move |ev| update_node(studio, &label_node, |n| {
                                if let Some(c) = n.choices.as_mut().and_then(|c| c.get_mut(index)) { c.label = ev.target().value(); }
                            }) />
                        <button class="cf-button" aria-label="Remove choice" on:click=move |_| update_node(studio, &remove_node, |n| {
                            if let Some(c) = n.choices.as_mut() { if index < c.len() { c.remove(index); } }
                        })>"×"</button>
                    </div>
                }
            }).collect_view()}
            <button class="cf-button" on:click=move |_| update_node(studio, &add_node, |n| {
                let used: Vec<String> = n.choices.iter().flatten().map(|c| c.digit.clone()).collect();
                let digit = ["1","2","3","4","5","6","7","8","9","0","*","#"].into_iter().find(|d| !used.iter().any(|u| u == d)).unwrap_or("1");
                n.choices.get_or_insert_with(Vec::new).push(callflow_core::document::MenuChoice { digit: digit.to_owned(), label: format!("Option {digit}") });
            })>"Add choice"</button>
            {move || view! { <FieldProblems findings=field_findings(studio, id.clone(), "choices")() /> }}
        </fieldset>
    }
}

#[component]
fn InvokeFields(node: Node) -> impl IntoView {
    let studio = use_studio();
    let search = RwSignal::new(String::new());
    let id = node.id.clone();
    let module_name = node.module.clone().unwrap_or_default();
    let module: Option<Module> = studio.document.with_untracked(|d| d.module(&module_name).cloned());
    let pick_node = node.clone();
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
    let version_node = node.clone();
    let versions: Vec<String> = module
        .as_ref()
        .map(|m| m.published_version.iter().chain(m.versions.iter()).cloned().collect())
        .unwrap_or_default();
    let current_version = node.version.clone().unwrap_or_else(|| "latest".to_owned());
    view! {
        <fieldset class="cf-fieldset">
            <legend>"Common module"</legend>
            <p class="cf-field__value" data-testid="invoke-module">{if module_name.is_empty() { "none chosen".to_owned() } else { module_name.clone() }}</p>
            <input class="cf-field__input" type="search" placeholder="Search the catalog" aria-label="Search modules"
                data-testid="module-search"
                on:input:target=move |ev| search.set(ev.target().value()) />
            <ul class="cf-picker" role="listbox" aria-label="Modules">
                {move || matches().into_iter().map(|m| {
                    let name = m.name.clone();
                    let chosen = name == module_name;
                    let node = pick_node.clone();
                    let types = if m.compatible_flow_types.is_empty() { "no flow types".to_owned() } else { m.compatible_flow_types.join(", ") };
                    let version = match (m.published, &m.published_version) {
                        (true, Some(v)) => format!("v{v}"),
                        _ => "not published".to_owned(),
                    };
                    let kind = if m.module_type == callflow_core::document::ModuleType::Workflow { " · workflow" } else { "" };
                    view! {
                        <li role="option" aria-selected=chosen.to_string()>
                            <button class="cf-picker__item" data-testid="module-option" data-module=name.clone()
                                on:click=move |_| update_node(studio, &node, |n| {
                                    n.module = Some(name.clone());
                                    n.module_id = None;
                                    n.version = Some("latest".to_owned());
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
                    on:change:target=move |ev| update_node(studio, &version_node, |n| n.version = Some(ev.target().value()))>
                    <option value="latest" selected=current_version == "latest">"latest published"</option>
                    {versions.into_iter().map(|v| view! { <option value=v.clone() selected=v == current_version>{v.clone()}</option> }).collect_view()}
                </select>
            </label>
            {move || view! { <FieldProblems findings=field_findings(studio, id.clone(), "module")() /> }}
        </fieldset>
        {module.map(|m| view! { <ModuleMappings node=node.clone() module=m /> })}
    }
}

#[component]
fn ModuleMappings(node: Node, module: Module) -> impl IntoView {
    let studio = use_studio();
    let id = node.id.clone();
    let inputs = node.inputs.clone().unwrap_or_default();
    let outputs = node.outputs.clone().unwrap_or_default();
    let variables = studio.document.with_untracked(|d| d.flow.variables.clone());
    view! {
        <fieldset class="cf-fieldset">
            <legend>"Inputs"</legend>
            <table class="cf-table">
                <thead><tr><th>"Input"</th><th>"Type"</th><th>"Value (expression)"</th></tr></thead>
                <tbody>
                    {module.inputs.iter().map(|p| {
                        let name = p.name.clone();
                        let n = node.clone();
                        let field = format!("inputs.{}", p.name);
                        let node_id = id.clone();
                        let problems = move || studio.findings.with(|f| f.iter().filter(|d| d.node.as_deref() == Some(node_id.as_str()) && d.field.as_deref() == Some(field.as_str())).cloned().collect::<Vec<_>>());
                        view! {
                            <tr>
                                <td>{p.name.clone()}{p.required.then_some(" *")}</td>
                                <td>{p.value_type.to_string()}</td>
                                <td>
                                    <input class="cf-field__input" list="cf-variables" data-testid="input-expression" data-input=p.name.clone()
                                        aria-label=format!("Value for {}", p.name)
                                        prop:value=inputs.get(&p.name).cloned().unwrap_or_default()
                                        on:change:target=move |ev| {
                                            let value = ev.target().value();
                                            update_node(studio, &n, |n| {
                                                let map = n.inputs.get_or_insert_with(Default::default);
                                                if value.trim().is_empty() { map.shift_remove(&name); } else { map.insert(name.clone(), value); }
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
                let unknown: Vec<Diagnostic> = studio.findings.with(|f| f.iter().filter(|d| d.node.as_deref() == Some(id.as_str()) && matches!(d.code.as_str(), "unknown-input" | "unknown-output" | "missing-required-input")).cloned().collect());
                view! { <FieldProblems findings=unknown /> }
            }}
        </fieldset>
        <fieldset class="cf-fieldset">
            <legend>"Outputs to flow variables"</legend>
            <table class="cf-table">
                <thead><tr><th>"Output"</th><th>"Type"</th><th>"Flow variable"</th></tr></thead>
                <tbody>
                    {module.outputs.iter().map(|p| {
                        let name = p.name.clone();
                        let n = node.clone();
                        let n2 = node.clone();
                        let declare_name = p.name.clone();
                        let value_type = p.value_type;
                        let current = outputs.get(&p.name).cloned().unwrap_or_default();
                        let options: Vec<Variable> = variables.clone();
                        view! {
                            <tr>
                                <td>{p.name.clone()}</td>
                                <td>{p.value_type.to_string()}</td>
                                <td>
                                    <select class="cf-field__input" data-testid="output-target" data-output=p.name.clone()
                                        aria-label=format!("Flow variable for {}", p.name)
                                        on:change:target=move |ev| {
                                            let value = ev.target().value();
                                            update_node(studio, &n, |n| {
                                                let map = n.outputs.get_or_insert_with(Default::default);
                                                if value.is_empty() { map.shift_remove(&name); } else { map.insert(name.clone(), value); }
                                            })
                                        }>
                                        <option value="" selected=current.is_empty()>"(not kept)"</option>
                                        {options.iter().map(|v| view! {
                                            <option value=v.name.clone() selected=v.name == current>{format!("{} ({})", v.name, v.value_type)}</option>
                                        }).collect_view()}
                                    </select>
                                    <button class="cf-button cf-button--small" data-testid="declare-output"
                                        on:click=move |_| declare_for_output(studio, &n2, &declare_name, value_type)>"New variable"</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </fieldset>
    }
}

/// Declares `Flow.<output name>` with the output's type and maps the output to it: one undo step.
fn declare_for_output(studio: Studio, node: &Node, output: &str, value_type: TypeName) {
    let bare = output.rsplit('.').next().unwrap_or(output);
    let existing =
        studio.document.with_untracked(|d| d.flow.variables.iter().map(|v| v.name.clone()).collect::<Vec<_>>());
    let name = std::iter::once(format!("Flow.{bare}"))
        .chain((2..).map(|n| format!("Flow.{bare}{n}")))
        .find(|candidate| !existing.contains(candidate))
        .unwrap_or_default();
    let mut updated = node.clone();
    updated.outputs.get_or_insert_with(Default::default).insert(output.to_owned(), name.clone());
    let _ = studio.dispatch(Command::Batch {
        commands: vec![
            Command::AddVariable { variable: Variable { name, value_type }, index: None },
            Command::UpdateNode { id: node.id.clone(), node: updated },
        ],
    });
}

#[component]
fn DataActionFields(node: Node) -> impl IntoView {
    let studio = use_studio();
    let id = node.id.clone();
    let (a, b, c) = (node.clone(), node.clone(), node.clone());
    view! {
        <TextField label="Integration category" value=node.category.clone().unwrap_or_default() testid="field-category"
            on_commit=move |v: String| update_node(studio, &a, |n| n.category = Some(v)) />
        <TextField label="Data action" value=node.action.clone().unwrap_or_default() testid="field-action"
            on_commit=move |v: String| update_node(studio, &b, |n| n.action = Some(v)) />
        <label class="cf-field">
            <span class="cf-field__label">"Timeout (1 to 60 seconds)"</span>
            <input class="cf-field__input" type="number" min="1" max="60" data-testid="field-timeout"
                prop:value=node.timeout_seconds.unwrap_or(10).to_string()
                on:change:target=move |ev| {
                    let value = ev.target().value().trim().parse::<i64>().ok();
                    update_node(studio, &c, |n| n.timeout_seconds = value);
                } />
        </label>
        {move || view! { <FieldProblems findings=field_findings(studio, id.clone(), "timeoutSeconds")() /> }}
    }
}

/// Each output port with the node it leads to: connect, reconnect or disconnect with the keyboard.
#[component]
fn Connections(node: Node) -> impl IntoView {
    let studio = use_studio();
    let ports = node.ports();
    let from = node.id.clone();
    view! {
        <fieldset class="cf-fieldset">
            <legend>"Connections"</legend>
            {if ports.is_empty() { Some(view! { <p class="cf-muted">"This node ends the call: it has no outputs."</p> }) } else { None }}
            {ports.into_iter().map(|port| {
                let from = from.clone();
                let port_name = port.name.clone();
                let target = Memo::new(move |_| studio.document.with(|d| {
                    d.flow.edges.iter().find(|e| e.from == from && e.port_name() == port_name).map(|e| e.to.clone()).unwrap_or_default()
                }));
                let (from2, port2) = (node.id.clone(), port.name.clone());
                let others = studio.document.with_untracked(|d| d.flow.nodes.iter().filter(|n| n.kind != NodeKind::Start).map(|n| (n.id.clone(), n.label.clone())).collect::<Vec<_>>());
                view! {
                    <label class="cf-field">
                        <span class="cf-field__label">{format!("{}{}", port.name, if port.required { " *" } else { "" })}</span>
                        <select class="cf-field__input" data-testid="connect-select" data-port=port.name.clone()
                            on:change:target=move |ev| {
                                let to = ev.target().value();
                                let command = if to.is_empty() {
                                    Command::Disconnect { from: from2.clone(), port: port2.clone() }
                                } else {
                                    Command::Connect { from: from2.clone(), port: port2.clone(), to }
                                };
                                let _ = studio.dispatch(command);
                            }>
                            <option value="" selected=move || target.with(String::is_empty)>"(not connected)"</option>
                            {others.into_iter().map(|(id, label)| {
                                let id2 = id.clone();
                                view! { <option value=id.clone() selected=move || target.with(|t| *t == id2)>{format!("{label} ({id})")}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            }).collect_view()}
        </fieldset>
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

#[component]
fn FlowInspector() -> impl IntoView {
    let studio = use_studio();
    let properties = move || studio.document.with(FlowProperties::of);
    let commit = move |change: Box<dyn FnOnce(&mut FlowProperties)>| {
        let mut updated = studio.document.with_untracked(FlowProperties::of);
        change(&mut updated);
        let _ = studio.dispatch(Command::SetFlowProperties { properties: updated });
    };
    view! {
        <h2 class="cf-section-title">"Flow"</h2>
        {move || {
            let p = properties();
            view! {
                <TextField label="Name" value=p.name.clone() testid="flow-name"
                    on_commit=move |v: String| commit(Box::new(move |p| p.name = v)) />
                <TextField label="Description" value=p.description.clone().unwrap_or_default()
                    on_commit=move |v: String| commit(Box::new(move |p| p.description = (!v.is_empty()).then_some(v))) />
                <TextField label="Division" value=p.division.clone()
                    on_commit=move |v: String| commit(Box::new(move |p| p.division = v)) />
                <TextField label="Default language" value=p.default_language.clone()
                    on_commit=move |v: String| commit(Box::new(move |p| p.default_language = v)) />
            }
        }}
        <VariablesPanel />
        <CatalogEditor />
    }
}
