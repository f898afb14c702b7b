//! Find (Ctrl+F): nodes whose label, id, kind, module, queue, prompt or any other field holds the
//! text; Enter and Shift+Enter step through them, each selected and centred. And the `?` sheet of
//! every keyboard shortcut. Escape closes either.

use callflow_core::document::{FieldId, Node};
use leptos::prelude::*;

use crate::canvas::shortcuts::SHEET;
use crate::state::{use_studio, Overlay};

/// Does `node` hold `query` (lower case) in any of its texts?
fn matches(node: &Node, query: &str) -> bool {
    let texts = [node.label.as_str(), node.id.as_str(), node.kind().title()]
        .into_iter()
        .map(str::to_owned)
        .chain(FieldId::ALL.into_iter().filter_map(|field| node.body.text(field).map(str::to_owned)))
        .chain(node.body.choices().iter().map(|c| c.label.clone()));
    texts.map(|t| t.to_lowercase()).any(|t| t.contains(query))
}

#[component]
pub fn Overlays() -> impl IntoView {
    let studio = use_studio();
    let query = RwSignal::new(String::new());
    let at = RwSignal::new(0usize);
    let found = Memo::new(move |_| {
        let query = query.get().trim().to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        studio
            .document
            .with(|d| d.flow.nodes.iter().filter(|n| matches(n, &query)).map(|n| n.id.clone()).collect::<Vec<_>>())
    });
    let show = move |step: isize| {
        let ids = found.get_untracked();
        if ids.is_empty() {
            return;
        }
        let next = (at.get_untracked() as isize + step).rem_euclid(ids.len() as isize) as usize;
        at.set(next);
        crate::panels::problems_panel::reveal(studio, &(Some(ids[next].clone()), None));
    };
    view! {
        {move || match studio.overlay.get() {
            Overlay::None => None,
            Overlay::Find => Some(view! {
                <div class="cf-find" role="search" data-testid="find">
                    <input class="cf-field__input" data-testid="find-input" placeholder="Find a node: label, id, module, queue, prompt…"
                        aria-label="Find a node" autofocus=true
                        prop:value=move || query.get()
                        on:input:target=move |ev| { query.set(ev.target().value()); at.set(0); show(0); }
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                            "Enter" => { ev.prevent_default(); show(if ev.shift_key() { -1 } else { 1 }); }
                            "Escape" => studio.overlay.set(Overlay::None),
                            _ => {}
                        } />
                    <span class="cf-muted" data-testid="find-count">{move || {
                        let count = found.with(Vec::len);
                        if count == 0 { "no match".to_owned() } else { format!("{} of {count}", at.get() + 1) }
                    }}</span>
                    <button class="cf-button cf-button--small" aria-label="Close find" on:click=move |_| studio.overlay.set(Overlay::None)>"×"</button>
                </div>
            }.into_any()),
            Overlay::Help => Some(view! {
                <div class="cf-sheet" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcut-sheet"
                    tabindex="-1" on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { studio.overlay.set(Overlay::None) }>
                    <h2 class="cf-section-title">"Keyboard shortcuts"</h2>
                    <table class="cf-impact__table">
                        <tbody>{SHEET.iter().map(|(keys, what)| view! { <tr data-testid="shortcut"><td><kbd>{*keys}</kbd></td><td>{*what}</td></tr> }).collect_view()}</tbody>
                    </table>
                    <button class="cf-button" on:click=move |_| studio.overlay.set(Overlay::None)>"Close"</button>
                </div>
            }.into_any()),
        }}
    }
}
