//! A node's inspector: id, label, the kind's fields as the kind table describes them, its form
//! when the kind has one, and its connections.

use callflow_core::command::Command;
use callflow_core::document::{FieldId, FieldInput, NodeBody, NodeKind};
use leptos::prelude::*;

use super::connections::Connections;
use super::field::{update_node, LiveProblems, TextField};
use super::invoke::InvokeFields;
use super::kept::KeptKeys;
use super::menu::MenuFields;
use crate::state::{use_studio, Selection};

/// Built once per selected node (and kind): a change to the node updates the fields that show it
/// in place, so an edit neither rebuilds the inspector nor moves the keyboard focus (the menu and
/// invoke forms follow the same rule).
#[component]
pub fn NodeInspector(id: String, kind: NodeKind) -> impl IntoView {
    let studio = use_studio();
    let node_id = id.clone();
    let node = Memo::new(move |_| studio.node(&node_id));
    let body = Memo::new(move |_| node.with(|n| n.as_ref().map(|n| n.body.clone())));
    let label = Signal::derive(move || node.with(|n| n.as_ref().map(|n| n.label.clone()).unwrap_or_default()));
    let rename_from = id.clone();
    let label_id = id.clone();
    let fields = kind
        .spec()
        .fields
        .iter()
        .map(|spec| plain_field(kind, id.clone(), body, spec.id, spec.label, spec.input))
        .collect_view();
    view! {
        <h2 class="cf-section-title">{kind.title()}</h2>
        <TextField
            label="Id"
            value=id.clone()
            testid="field-id"
            on_commit=move |to: String| {
                if to != rename_from && studio.dispatch(Command::RenameNode { from: rename_from.clone(), to: to.clone() }).is_ok() {
                    studio.selection.set(Selection::node(&to));
                }
            }
        />
        <TextField
            label="Label"
            value=label
            testid="field-label"
            on_commit=move |label: String| update_node(studio, &label_id, |n| n.label = label)
        />
        {fields}
        {(kind == NodeKind::Menu).then(|| view! { <MenuFields id=id.clone() body=body /> })}
        {(kind == NodeKind::Invoke).then(|| view! { <InvokeFields id=id.clone() body=body /> })}
        <KeptKeys id=id.clone() node=node />
        <Connections id=id.clone() ports=Signal::derive(move || body.with(|b| b.as_ref().map(|b| b.ports().collect()).unwrap_or_default())) />
        {(!matches!(kind, NodeKind::Start | NodeKind::Task)).then(|| {
            let entry = id.clone();
            view! {
                <button class="cf-button" data-testid="make-task"
                    title="Puts a task in front of this step: everything from here on is written as a reusable task that each path into it jumps to"
                    on:click=move |_| {
                        let command = studio.document.with_untracked(|d| callflow_core::command::make_task(d, &entry, ""));
                        if let Some(command) = command {
                            let _ = studio.dispatch(command);
                        }
                    }>"Make a task starting here"</button>
            }
        })}
        <button class="cf-button cf-button--danger" on:click=move |_| crate::canvas::delete_selection(studio)>"Delete node"</button>
    }
}

/// One field the kind table describes as plain input, showing the node's current value; `None` for
/// the fields a form shows.
fn plain_field(
    kind: NodeKind,
    id: String,
    body: Memo<Option<NodeBody>>,
    field: FieldId,
    label: &'static str,
    input: FieldInput,
) -> Option<AnyView> {
    let studio = use_studio();
    let wire = field.wire_name();
    let problems = view! { <LiveProblems node_id=id.clone() field=wire /> };
    match input {
        FieldInput::Form => None,
        FieldInput::Seconds if kind == NodeKind::DataAction => {
            let value = move || {
                body.with(|b| match b {
                    Some(NodeBody::DataAction(call)) => {
                        call.timeout_seconds.unwrap_or(callflow_core::document::DEFAULT_TIMEOUT_SECONDS).to_string()
                    }
                    _ => String::new(),
                })
            };
            Some(
                view! {
                    <label class="cf-field">
                        <span class="cf-field__label">{label}</span>
                        <input class="cf-field__input" type="number" min="1" max="60" data-testid="field-timeout"
                            prop:value=value
                            on:change:target=move |ev| {
                                let value = ev.target().value().trim().parse::<i64>().ok();
                                update_node(studio, &id, |n| {
                                    if let NodeBody::DataAction(call) = &mut n.body {
                                        call.timeout_seconds = value;
                                    }
                                });
                            } />
                    </label>
                    {problems}
                }
                .into_any(),
            )
        }
        FieldInput::Seconds => None,
        FieldInput::Pairs | FieldInput::Lines => {
            let value = move || body.with(|b| b.as_ref().and_then(|b| b.text(field)).unwrap_or_default().to_owned());
            Some(
                view! {
                    <label class="cf-field">
                        <span class="cf-field__label">{label}</span>
                        <textarea class="cf-field__input cf-code" rows="4" data-testid=testid(field) spellcheck="false"
                            prop:value=value
                            on:change:target=move |ev| {
                                let text = ev.target().value();
                                update_node(studio, &id, |n| { n.body.set_text(field, text); });
                            } />
                    </label>
                    {problems}
                }
                .into_any(),
            )
        }
        FieldInput::Text | FieldInput::Expression | FieldInput::VariableTarget | FieldInput::Queue => {
            let value = Signal::derive(move || {
                body.with(|b| b.as_ref().and_then(|b| b.text(field)).unwrap_or_default().to_owned())
            });
            let list = match input {
                FieldInput::Expression | FieldInput::VariableTarget => "cf-variables",
                FieldInput::Queue => "cf-queues",
                _ => "",
            };
            let queues = (input == FieldInput::Queue).then(|| {
                view! {
                    <datalist id="cf-queues">
                        {move || studio.document.with(|d| d.queues.iter().map(|q| view! { <option value=q.name.clone() /> }).collect_view())}
                    </datalist>
                }
            });
            Some(
                view! {
                    <TextField label=label value=value testid=testid(field) list=list
                        on_commit=move |v: String| update_node(studio, &id, |n| { n.body.set_text(field, v); }) />
                    {problems}
                    {queues}
                }
                .into_any(),
            )
        }
    }
}

/// The test id of a field's input: `field-<wire name>` (kept stable for the browser tests).
fn testid(field: FieldId) -> &'static str {
    match field {
        FieldId::Prompt => "field-prompt",
        FieldId::Expression => "field-expression",
        FieldId::Variable => "field-variable",
        FieldId::Queue => "field-queue",
        FieldId::Category => "field-category",
        FieldId::Action => "field-action",
        FieldId::TimeoutSeconds => "field-timeout",
        FieldId::Module => "field-module",
        FieldId::ModuleId => "field-module-id",
        FieldId::Version => "field-version",
        FieldId::Choices => "field-choices",
        FieldId::Inputs => "field-inputs",
        FieldId::Outputs => "field-outputs",
        FieldId::RefId => "field-ref-id",
        FieldId::ArchyAction => "field-archy-action",
        FieldId::Paths => "field-paths",
        FieldId::ScheduleGroup => "field-schedule-group",
        FieldId::MinDigits => "field-min-digits",
        FieldId::MaxDigits => "field-max-digits",
        FieldId::LoopCount => "field-loop-count",
        FieldId::IndexVariable => "field-index-variable",
        FieldId::Table => "field-table",
        FieldId::LookupKey => "field-lookup-key",
        FieldId::Number => "field-number",
        FieldId::FlowName => "field-flow-name",
        FieldId::Schedule => "field-schedule",
        FieldId::Script => "field-script",
        FieldId::User => "field-user",
        FieldId::Language => "field-language",
        FieldId::Attributes => "field-attributes",
        FieldId::Cases => "field-cases",
        FieldId::DurationSeconds => "field-duration-seconds",
    }
}
