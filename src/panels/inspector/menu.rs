//! The menu form: its choices, one digit and label each.

use callflow_core::document::{MenuChoice, Node, NodeBody};
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

#[component]
pub fn MenuFields(node: Node) -> impl IntoView {
    let studio = use_studio();
    let id = node.id.clone();
    let choices = node.body.choices().to_vec();
    let add_id = id.clone();
    view! {
        <fieldset class="cf-fieldset">
            <legend>"Choices"</legend>
            {choices.iter().enumerate().map(|(index, choice)| {
                let (digit_id, label_id, remove_id) = (id.clone(), id.clone(), id.clone());
                view! {
                    <div class="cf-row">
                        <input class="cf-field__input cf-field__input--digit" aria-label="Digit" prop:value=choice.digit.clone()
                            on:change:target=move |ev| update_choices(studio, &digit_id, |c| {
                                if let Some(c) = c.get_mut(index) { c.digit = ev.target().value(); }
                            }) />
                        <input class="cf-field__input" aria-label="Choice label" prop:value=choice.label.clone()
                            on:change:target=move |ev| update_choices(studio, &label_id, |c| {
                                if let Some(c) = c.get_mut(index) { c.label = ev.target().value(); }
                            }) />
                        <button class="cf-button" aria-label="Remove choice" on:click=move |_| update_choices(studio, &remove_id, |c| {
                            if index < c.len() { c.remove(index); }
                        })>"×"</button>
                    </div>
                }
            }).collect_view()}
            <button class="cf-button" on:click=move |_| update_choices(studio, &add_id, |c| {
                let digit = next_free_digit(c);
                c.push(MenuChoice { digit: digit.to_owned(), label: format!("Option {digit}") });
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
        let choice = |d: &str| MenuChoice { digit: d.to_owned(), label: String::new() };
        assert_eq!(next_free_digit(&[]), "1");
        assert_eq!(next_free_digit(&[choice("1"), choice("2")]), "3");
        let all: Vec<MenuChoice> = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"].map(choice).to_vec();
        assert_eq!(next_free_digit(&all), "*");
    }
}
