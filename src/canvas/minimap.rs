//! A minimap for large flows: every node as a dot and the visible area as a frame. Clicking it
//! centres the view there.

use leptos::prelude::*;

use super::flow_bounds;
use crate::state::use_studio;
use crate::state::viewport::{CanvasPoint, ScreenPoint};

const WIDTH: f64 = 180.0;
const HEIGHT: f64 = 120.0;

#[component]
pub fn Minimap() -> impl IntoView {
    let studio = use_studio();
    // Shown from 30 nodes on: small flows fit on screen anyway.
    let large = Memo::new(move |_| studio.document.with(|d| d.flow.nodes.len() >= 30));
    let layout = Memo::new(move |_| {
        studio.document.with(|d| {
            let (min, max) = flow_bounds(&d.flow.nodes)?;
            let scale = (WIDTH / (max.x - min.x).max(1.0)).min(HEIGHT / (max.y - min.y).max(1.0));
            let dots: Vec<(f64, f64)> =
                d.flow.nodes.iter().map(|n| ((n.x - min.x) * scale, (n.y - min.y) * scale)).collect();
            Some((min, scale, dots))
        })
    });
    let dots_path = move || {
        layout.with(|l| {
            l.as_ref().map(|(_, _, dots)| {
                let mut path = String::with_capacity(dots.len() * 16);
                for (x, y) in dots {
                    path.push_str(&format!("M{x:.1} {y:.1}h3v2h-3z"));
                }
                path
            })
        })
    };
    let frame = move || {
        let (min, scale, _) = layout.get()?;
        let viewport = studio.viewport.get();
        let top_left = viewport.screen_to_canvas(ScreenPoint { x: 0.0, y: 0.0 });
        let size = viewport.screen_to_canvas(ScreenPoint { x: 1200.0, y: 700.0 });
        Some((
            (top_left.x - min.x) * scale,
            (top_left.y - min.y) * scale,
            (size.x - top_left.x) * scale,
            (size.y - top_left.y) * scale,
        ))
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some((min, scale, _)) = layout.get_untracked() else { return };
        let target =
            CanvasPoint { x: min.x + f64::from(ev.offset_x()) / scale, y: min.y + f64::from(ev.offset_y()) / scale };
        studio.viewport.update(|v| {
            let centre = v.canvas_to_screen(target);
            *v = v.panned(600.0 - centre.x, 350.0 - centre.y);
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
