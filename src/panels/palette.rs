//! The palette of node kinds. Drag one onto the canvas (pointer events, so touch and pen work too),
//! or focus it and press Enter to add it in the middle of the view.

use callflow_core::NodeKind;
use leptos::prelude::*;

use crate::canvas::{add_node, PaletteDrag};
use crate::state::use_studio;
use crate::state::viewport::ScreenPoint;

#[component]
pub fn Palette() -> impl IntoView {
    let studio = use_studio();
    let dragging = expect_context::<PaletteDrag>().0;
    // A module cannot call a module, and only a module ends with End module: the open flow's type
    // (it changes when another flow of the project opens, not on edits) decides.
    let in_module = Memo::new(move |_| {
        studio.outline.with(|o| o.flows.get(o.active).is_some_and(|(_, flow_type)| flow_type.is_module()))
    });
    view! {
        <nav class="cf-palette" aria-label="Node kinds">
            <crate::panels::project_panel::ProjectPanel />
            <h2 class="cf-section-title">"Add"</h2>
            <ul class="cf-palette__list">
                // Every kind but start: a flow has exactly one, and "New" makes it.
                {move || NodeKind::ALL
                    .into_iter()
                    .filter(|kind| *kind != NodeKind::Start)
                    .filter(|kind| match kind {
                        NodeKind::EndModule => in_module.get(),
                        NodeKind::Invoke => !in_module.get(),
                        _ => true,
                    })
                    .map(|kind| {
                        view! {
                            <li
                                class=format!("cf-palette__item cf-palette__item--{}", kind.as_str())
                                class:cf-palette__item--dragging=move || dragging.get() == Some(kind)
                                data-testid="palette-item"
                                data-kind=kind.as_str()
                                tabindex="0"
                                role="button"
                                aria-label=format!("Add {}", kind.title())
                                on:pointerdown=move |ev| {
                                    if ev.button() == 0 {
                                        ev.prevent_default();
                                        dragging.set(Some(kind));
                                    }
                                }
                                on:keydown=move |ev| {
                                    if ev.key() == "Enter" || ev.key() == " " {
                                        ev.prevent_default();
                                        let centre = studio
                                            .viewport
                                            .get_untracked()
                                            .screen_to_canvas(ScreenPoint { x: 420.0, y: 260.0 });
                                        add_node(studio, kind, centre);
                                    }
                                }
                            >
                                {kind.title()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="cf-palette__help">"Drag onto the canvas. Connect by dragging from a port to a node."</p>
        </nav>
    }
}
