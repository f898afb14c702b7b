//! The menu form: its choices, one digit and label each.

use callflow_core::document::{MenuChoice, NodeBody};
use leptos::prelude::*;

use super::field::{update_node, LiveProblems};
use crate::state::use_studio;

/// Changes the choices of the menu with `id`.
fn update_choices(studio: crate::state::Studio, id: &str, change: impl FnOnce(&mut Vec<MenuChoice>)) {
    update_node(studio, id, |n| {
        if let NodeBody::Menu { choices, .. } = &mut n.body {
            change(choices);
        }
    });
}

/// The first digit no choice uses yet, in keypad order.
pub fn next_free_digit(choices: &[MenuChoice]) -> &'static str {
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"]
        .into_iter()
        .find(|digit| !choices.iter().any(|c| c.digit == *digit))
        .unwrap_or("1")
}

/// The choices, one row each, showing the node's current values: a commit updates the rows in
/// place (the keyboard focus stays), and adding or removing a choice adds or removes a row.
#[component]
pub fn MenuFields(id: String, body: Memo<Option<NodeBody>>) -> impl IntoView {
    let studio = use_studio();
    let choices = Memo::new(move |_| body.with(|b| b.as_ref().map(|b| b.choices().to_vec()).unwrap_or_default()));
    let count = Memo::new(move |_| choices.with(Vec::len));
    let add_id = id.clone();
    let row_id = id.clone();
    view! {
        <fieldset class="cf-fieldset">
            <legend>"Choices"</legend>
            <For each=move || 0..count.get() key=|index| *index let:index>
                {
                    let (digit_id, label_id, remove_id) = (row_id.clone(), row_id.clone(), row_id.clone());
                    let digit = move || choices.with(|c| c.get(index).map(|c| c.digit.clone()).unwrap_or_default());
                    let label = move || choices.with(|c| c.get(index).map(|c| c.label.clone()).unwrap_or_default());
                    view! {
                        <div class="cf-row">
                            <input class="cf-field__input cf-field__input--digit" aria-label="Digit" prop:value=digit
                                on:change:target=move |ev| update_choices(studio, &digit_id, |c| {
                                    if let Some(c) = c.get_mut(index) { c.digit = ev.target().value(); }
                                }) />
                            <input class="cf-field__input" aria-label="Choice label" prop:value=label
                                on:change:target=move |ev| update_choices(studio, &label_id, |c| {
                                    if let Some(c) = c.get_mut(index) { c.label = ev.target().value(); }
                                }) />
                            <button class="cf-button" aria-label="Remove choice" on:click=move |_| update_choices(studio, &remove_id, |c| {
                                if index < c.len() { c.remove(index); }
                            })>"×"</button>
                        </div>
                    }
                }
            </For>
            <button class="cf-button" on:click=move |_| update_choices(studio, &add_id, |c| {
                let digit = next_free_digit(c);
                c.push(MenuChoice { digit: digit.to_owned(), label: format!("Option {digit}"), archy: None });
            })>"Add choice"</button>
            <LiveProblems node_id=id.clone() field="choices" />
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_digit_is_the_first_free_one_on_the_keypad() {
        let choice = |d: &str| MenuChoice { digit: d.to_owned(), label: String::new(), archy: None };
        assert_eq!(next_free_digit(&[]), "1");
        assert_eq!(next_free_digit(&[choice("1"), choice("2")]), "3");
        let all: Vec<MenuChoice> = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"].map(choice).to_vec();
        assert_eq!(next_free_digit(&all), "*");
    }
}
