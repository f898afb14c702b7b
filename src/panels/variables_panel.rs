//! The flow's variables: declare, rename, retype, remove; in a common module also mark the inputs
//! (required or not) and the outputs, which are its contract. Each change is one command.

use callflow_core::command::Command;
use callflow_core::document::{TypeName, Variable};
use leptos::prelude::*;

use crate::state::use_studio;

#[component]
pub fn VariablesPanel() -> impl IntoView {
    let studio = use_studio();
    let new_name = RwSignal::new(String::new());
    let new_type = RwSignal::new("string".to_owned());
    let add = move || {
        let raw = new_name.get_untracked().trim().to_owned();
        if raw.is_empty() {
            return;
        }
        let scope = studio.document.with_untracked(|d| d.flow.flow_type.scope());
        let name = if raw.starts_with(&format!("{scope}.")) { raw } else { format!("{scope}.{raw}") };
        let value_type = TypeName::parse(&new_type.get_untracked())
            .unwrap_or(TypeName::scalar(callflow_core::document::ValueType::String));
        if studio.dispatch(Command::AddVariable { variable: Variable::new(name, value_type), index: None }).is_ok() {
            new_name.set(String::new());
        }
    };
    view! {
        <fieldset class="cf-fieldset" data-testid="variables">
            <legend>"Variables"</legend>
            <ul class="cf-list">
                {move || studio.document.with(|d| { let module = d.flow.flow_type.is_module(); d.flow.variables.iter().enumerate().map(|(index, v)| {
                    let variable = v.clone();
                    let (renamed, flagged) = (v.clone(), v.clone());
                    let update = move |variable: Variable| { let _ = studio.dispatch(Command::UpdateVariable { index, variable }); };
                    let flag = move |which: &'static str, on: bool| {
                        let mut variable = flagged.clone();
                        match which {
                            "input" => { variable.input = on; variable.required &= on; }
                            "output" => variable.output = on,
                            _ => { variable.required = on; variable.input |= on; }
                        }
                        update(variable);
                    };
                    view! {
                        <li class="cf-row cf-row--wrap" data-testid="variable" data-name=v.name.clone()>
                            <input class="cf-field__input cf-grow" data-testid="variable-name" aria-label=format!("Name of {}", v.name)
                                prop:value=v.name.clone()
                                on:change:target=move |ev| {
                                    let name = ev.target().value().trim().to_owned();
                                    if !name.is_empty() && name != renamed.name {
                                        update(Variable { name, ..renamed.clone() });
                                    }
                                } />
                            <select class="cf-field__input cf-field__input--type" aria-label=format!("Type of {}", v.name)
                                on:change:target=move |ev| {
                                    if let Some(value_type) = TypeName::parse(&ev.target().value()) {
                                        let _ = studio.dispatch(Command::UpdateVariable { index, variable: Variable { value_type, ..variable.clone() } });
                                    }
                                }>
                                {TypeName::all_names().into_iter().map(|t| { let selected = t == v.value_type.to_string(); view! { <option value=t.clone() selected=selected>{t.clone()}</option> } }).collect_view()}
                            </select>
                            <button class="cf-button cf-button--small" aria-label=format!("Remove {}", v.name)
                                on:click=move |_| { let _ = studio.dispatch(Command::RemoveVariable { index }); }>"×"</button>
                            {module.then(|| {
                                let (input, output, required) = (v.input, v.output, v.required);
                                let (a, b, c) = (flag.clone(), flag.clone(), flag);
                                view! {
                                    <span class="cf-row cf-variable-flags">
                                        <label><input type="checkbox" data-testid="variable-input" prop:checked=input
                                            on:change:target=move |ev| a("input", ev.target().checked()) />" input"</label>
                                        <label><input type="checkbox" data-testid="variable-required" prop:checked=required
                                            on:change:target=move |ev| c("required", ev.target().checked()) />" required"</label>
                                        <label><input type="checkbox" data-testid="variable-output" prop:checked=output
                                            on:change:target=move |ev| b("output", ev.target().checked()) />" output"</label>
                                    </span>
                                }
                            })}
                        </li>
                    }
                }).collect_view() })}
            </ul>
            <div class="cf-row">
                <input class="cf-field__input cf-grow" placeholder=move || studio.document.with(|d| format!("{}.name", d.flow.flow_type.scope())) aria-label="New variable name" data-testid="new-variable-name"
                    prop:value=move || new_name.get()
                    on:input:target=move |ev| new_name.set(ev.target().value())
                    on:keydown=move |ev| if ev.key() == "Enter" { add() } />
                <select class="cf-field__input cf-field__input--type" aria-label="New variable type" on:change:target=move |ev| new_type.set(ev.target().value())>
                    {TypeName::all_names().into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                </select>
                <button class="cf-button" data-testid="add-variable" on:click=move |_| add()>"Add"</button>
            </div>
        </fieldset>
    }
}
