//! A minimap for large flows: every node as a dot and the visible area as a frame. Clicking it
//! centers the view there. The dots are one memo (one path) recomputed when the layout changes;
//! a pan moves only the frame, sized from the canvas's measured size.

use leptos::prelude::*;

use super::{flow_bounds, CanvasSize};
use crate::state::use_studio;
use crate::state::viewport::{CanvasPoint, ScreenPoint};

const WIDTH: f64 = 180.0;
const HEIGHT: f64 = 120.0;

#[component]
pub fn Minimap() -> impl IntoView {
    let studio = use_studio();
    let canvas_size = expect_context::<CanvasSize>().0;
    // Shown from 30 nodes on: small flows fit on screen anyway.
    let large = Memo::new(move |_| {
        studio.layout.track();
        studio.document.with_untracked(|d| d.flow.nodes.len() >= 30)
    });
    // (top left of the flow, scale, the dots as one path), only while the minimap is shown.
    let layout = Memo::new(move |_| {
        if !large.get() {
            return None;
        }
        studio.layout.track();
        studio.document.with_untracked(|d| {
            use std::fmt::Write;
            let (min, max) = flow_bounds(&d.flow.nodes)?;
            let scale = (WIDTH / (max.x - min.x).max(1.0)).min(HEIGHT / (max.y - min.y).max(1.0));
            let mut path = String::with_capacity(d.flow.nodes.len() * 16);
            for n in &d.flow.nodes {
                let _ = write!(path, "M{:.1} {:.1}h3v2h-3z", (n.x - min.x) * scale, (n.y - min.y) * scale);
            }
            Some((min, scale, path))
        })
    });
    let dots_path = move || layout.with(|l| l.as_ref().map(|(_, _, path)| path.clone()));
    let frame = move || {
        let (min, scale) = layout.with(|l| l.as_ref().map(|(min, scale, _)| (*min, *scale)))?;
        let viewport = studio.viewport.get();
        let (width, height) = canvas_size.get();
        let top_left = viewport.screen_to_canvas(ScreenPoint { x: 0.0, y: 0.0 });
        let size = viewport.screen_to_canvas(ScreenPoint { x: width, y: height });
        Some((
            (top_left.x - min.x) * scale,
            (top_left.y - min.y) * scale,
            (size.x - top_left.x) * scale,
            (size.y - top_left.y) * scale,
        ))
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some((min, scale)) = layout.with_untracked(|l| l.as_ref().map(|(min, scale, _)| (*min, *scale))) else {
            return;
        };
        let (width, height) = canvas_size.get_untracked();
        let target =
            CanvasPoint { x: min.x + f64::from(ev.offset_x()) / scale, y: min.y + f64::from(ev.offset_y()) / scale };
        studio.viewport.update(|v| {
            let center = v.canvas_to_screen(target);
            *v = v.panned(width / 2.0 - center.x, height / 2.0 - center.y);
        });
    };
    view! {
        <Show when=move || large.get()>
            <svg class="cf-minimap" width=WIDTH height=HEIGHT aria-label="Minimap" on:click=click>
                <path class="cf-minimap__nodes" d=dots_path />
                {move || frame().map(|(x, y, w, h)| view! { <rect class="cf-minimap__frame" x=x y=y width=w height=h /> })}
            </svg>
        </Show>
    }
}
