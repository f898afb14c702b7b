//! Presentation mode, for the projector: the canvas alone, read-only, larger, with one node at a
//! time centred and highlighted. The arrow keys (and Space, Page Up/Down, Home, End) step through
//! the flow, happy path first (`layout::walk_order`), or through the simulated call when one is
//! running. A caption says what the current step does, in large type. Escape leaves, and puts the
//! view back as it was.

use callflow_core::layout::walk_order;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::canvas::geometry::{node_height, NODE_WIDTH};
use crate::canvas::CanvasSize;
use crate::panels::simulator_panel::Simulation;
use crate::state::viewport::{CanvasPoint, ScreenPoint, Viewport};
use crate::state::{use_studio, Selection, Studio};

/// How much larger the canvas is drawn while presenting.
const PRESENT_ZOOM: f64 = 1.6;

/// What a step moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Next,
    Back,
    First,
    Last,
    Leave,
}

/// The presentation's keys (pure, tested natively).
pub fn step_for(key: &str) -> Option<Step> {
    Some(match key {
        "ArrowRight" | "ArrowDown" | " " | "PageDown" | "Enter" => Step::Next,
        "ArrowLeft" | "ArrowUp" | "PageUp" | "Backspace" => Step::Back,
        "Home" => Step::First,
        "End" => Step::Last,
        "Escape" => Step::Leave,
        _ => return None,
    })
}

/// The nodes to step through, as ids, and whether they are a simulated call's: the call's path
/// when a call was placed on the flow as it is now, else the flow's walk order.
fn steps(studio: Studio) -> (Vec<String>, bool) {
    let simulated = use_context::<Simulation>().and_then(|simulation| {
        simulation.run.with_untracked(|run| {
            let run = run.as_ref()?;
            // A run of another flow, or of this one before an edit, is not this flow's call.
            if !studio.document.with_untracked(|d| d.flow == run.document.flow) {
                return None;
            }
            simulation.replay.with_untracked(|replay| {
                let replay = replay.as_ref()?;
                let mut path: Vec<usize> = replay.state.path.clone();
                if let Some(current) = replay.state.current {
                    if path.last() != Some(&current) {
                        path.push(current);
                    }
                }
                let ids: Vec<String> =
                    path.iter().filter_map(|&n| run.document.flow.nodes.get(n).map(|n| n.id.clone())).collect();
                (!ids.is_empty()).then_some(ids)
            })
        })
    });
    match simulated {
        Some(path) => (path, true),
        None => {
            let index = studio.index.get_untracked();
            let order = studio
                .document
                .with_untracked(|d| walk_order(d, &index).into_iter().map(|n| d.flow.nodes[n].id.clone()).collect());
            (order, false)
        }
    }
}

/// Enters presentation mode.
pub fn present(studio: Studio) {
    studio.overlay.set(crate::state::Overlay::None);
    // Only what happens while presenting is shown to the room.
    studio.notice.set(None);
    studio.presenting.set(true);
}

#[component]
pub fn Presenter() -> impl IntoView {
    let studio = use_studio();
    let canvas_size = expect_context::<CanvasSize>().0;
    let before: Viewport = studio.viewport.get_untracked();
    let selection_before = StoredValue::new(studio.selection.get_untracked());
    let (order, from_simulation) = steps(studio);
    let order = StoredValue::new(order);
    let at = RwSignal::new(0usize);

    // Centres the current node at presentation size and selects it (the highlight).
    let show = move |position: usize| {
        let Some(id) = order.with_value(|o| o.get(position).cloned()) else { return };
        let Some((x, y, height)) = studio.document.with_untracked(|d| {
            d.flow.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y, node_height(n.body.port_count())))
        }) else {
            return;
        };
        studio.selection.set(Selection::node(&id));
        let (width, screen_height) = canvas_size.get_untracked();
        let centre = CanvasPoint { x: x + NODE_WIDTH / 2.0, y: y + height / 2.0 };
        // The caption covers the bottom of the screen: centre in the part above it.
        let visible = (screen_height - 140.0).max(screen_height / 2.0);
        studio.viewport.set(Viewport::centred(centre, ScreenPoint { x: width / 2.0, y: visible / 2.0 }, PRESENT_ZOOM));
    };
    let leave = move || {
        studio.presenting.set(false);
        studio.viewport.set(before);
        studio.selection.set(selection_before.get_value());
    };
    let go = move |step: Step| {
        let last = order.with_value(Vec::len).saturating_sub(1);
        let current = at.get_untracked();
        let next = match step {
            Step::Next => (current + 1).min(last),
            Step::Back => current.saturating_sub(1),
            Step::First => 0,
            Step::Last => last,
            Step::Leave => {
                leave();
                return;
            }
        };
        at.set(next);
        show(next);
    };
    // Shows the current step, again whenever the canvas changes size: it measures itself after
    // the panels go, and when the window is resized.
    Effect::new(move |_| {
        canvas_size.track();
        show(at.get_untracked());
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        // Enter and Space on a focused button press that button.
        let on_control = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "BUTTON" | "INPUT" | "SELECT" | "TEXTAREA"));
        if on_control && ev.key() != "Escape" && !ev.key().starts_with("Arrow") {
            return;
        }
        if let Some(step) = step_for(&ev.key()) {
            ev.prevent_default();
            go(step);
        } else if ev.key() == "Delete" {
            // The one editing key a presenter may reach for: say why nothing happens.
            studio.tell_error(callflow_core::CommandError::Presenting.to_string());
        }
    });
    on_cleanup(move || keys.remove());

    let caption = move || {
        let id = order.with_value(|o| o.get(at.get()).cloned())?;
        studio.document.with(|d| {
            d.flow.nodes.iter().find(|n| n.id == id).map(|n| (n.label.clone(), n.kind().title(), n.body.detail()))
        })
    };
    let count = order.with_value(Vec::len);
    view! {
        <div class="cf-presenter" role="region" aria-label="Presentation" data-testid="presenter">
            <div class="cf-presenter__caption" aria-live="polite">
                {move || caption().map(|(label, kind, detail)| view! {
                    <p class="cf-presenter__kind">{kind}</p>
                    <p class="cf-presenter__label" data-testid="presenter-label">{label}</p>
                    <p class="cf-presenter__detail">{detail}</p>
                })}
            </div>
            <div class="cf-presenter__bar">
                <span data-testid="presenter-position">{move || format!("{} / {count}", at.get() + 1)}</span>
                <span class="cf-presenter__what">{if from_simulation { "the simulated call" } else { "the flow, happy path first" }}</span>
                <button class="cf-button" aria-label="Previous step (←)" on:click=move |_| go(Step::Back)>"←"</button>
                <button class="cf-button" aria-label="Next step (→)" on:click=move |_| go(Step::Next)>"→"</button>
                <button class="cf-button" data-testid="present-leave" on:click=move |_| go(Step::Leave)>"Leave (Esc)"</button>
                // The dock is hidden while presenting: its notices show here.
                {move || studio.notice.get().map(|n| view! {
                    <span class=if n.is_error { "cf-notice cf-notice--error" } else { "cf-notice" } role="status" data-testid="presenter-notice">{n.text}</span>
                })}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_step_and_escape_leaves() {
        assert_eq!(step_for("ArrowRight"), Some(Step::Next));
        assert_eq!(step_for(" "), Some(Step::Next));
        assert_eq!(step_for("ArrowLeft"), Some(Step::Back));
        assert_eq!(step_for("Home"), Some(Step::First));
        assert_eq!(step_for("End"), Some(Step::Last));
        assert_eq!(step_for("Escape"), Some(Step::Leave));
        assert_eq!(step_for("a"), None);
    }
}
