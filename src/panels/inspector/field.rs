//! What every inspector form shares: committing a node change as one command, a text field, and the
//! findings of one field shown under it.

use callflow_core::command::Command;
use callflow_core::diagnostic::Diagnostic;
use callflow_core::document::Node;
use leptos::prelude::*;

use crate::state::Studio;

/// Applies `change` to the node with `id` as it is *now* (not as a form last saw it) and commits
/// the result as one command; nothing happens when the change changes nothing.
pub fn update_node(studio: Studio, id: &str, change: impl FnOnce(&mut Node)) {
    let Some(current) = studio.document.with_untracked(|d| d.node(id).cloned()) else { return };
    let mut updated = current.clone();
    change(&mut updated);
    if updated != current {
        let _ = studio.dispatch(Command::UpdateNode { id: id.to_owned(), node: updated });
    }
}

/// Is a finding's field `field` or a part of it (`choices` covers `choices[2].digit`, `inputs` covers
/// `inputs.Common.x`)?
pub fn field_covers(finding_field: &str, field: &str) -> bool {
    finding_field
        .strip_prefix(field)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// The findings of one node's field.
pub fn field_findings(studio: Studio, node_id: &str, field: &str) -> Vec<Diagnostic> {
    studio.findings.with(|f| {
        f.iter()
            .filter(|d| {
                d.node.as_deref() == Some(node_id) && d.field.as_deref().is_some_and(|x| field_covers(x, field))
            })
            .cloned()
            .collect()
    })
}

#[component]
pub fn FieldProblems(findings: Vec<Diagnostic>) -> impl IntoView {
    findings
        .into_iter()
        .map(|d| {
            let class = if d.is_error() { "cf-field__problem cf-field__problem--error" } else { "cf-field__problem" };
            view! {
                <p class=class role="note">
                    {d.message.clone()}
                    {d.hint.as_deref().map(str::to_owned).map(|h| view! { <span class="cf-field__hint">{format!(" ({h})")}</span> })}
                </p>
            }
        })
        .collect_view()
}

/// The findings of a node's field, kept current.
#[component]
pub fn LiveProblems(node_id: String, field: &'static str) -> impl IntoView {
    let studio = crate::state::use_studio();
    move || view! { <FieldProblems findings=field_findings(studio, &node_id, field) /> }
}

/// A text field committed on change (blur or Enter). `value` may be live: the field follows it,
/// and after a commit that was refused it goes back to it.
#[component]
pub fn TextField(
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(optional)] testid: &'static str,
    #[prop(optional)] list: &'static str,
    /// Shown while the field is empty: what an empty value means.
    #[prop(optional)]
    placeholder: &'static str,
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
                placeholder=placeholder
                prop:value=value
                on:change:target=move |ev| {
                    let input = ev.target();
                    on_commit.run(input.value());
                    // A refused or normalized edit shows what the document holds now (an accepted one
                    // already equals it: the value reads the updated document).
                    let now = value.get_untracked();
                    if input.value() != now {
                        input.set_value(&now);
                    }
                }
            />
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::field_covers;

    #[test]
    fn a_field_covers_its_parts_and_nothing_else() {
        assert!(field_covers("choices", "choices"));
        assert!(field_covers("choices[1].digit", "choices"));
        assert!(field_covers("inputs.Common.callerId", "inputs"));
        assert!(!field_covers("inputsExtra", "inputs"));
        assert!(!field_covers("prompt", "choices"));
    }
}
