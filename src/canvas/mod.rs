//! The SVG canvas: nodes, edges, and the DOM side of the gestures that edit them. The listeners
//! here only translate browser events into `gesture::Event`s and carry out the `gesture::Effect`s
//! the pure transition function returns (see `gesture.rs`); keyboard shortcuts live in
//! `shortcuts.rs`. Every gesture ends in at most one core command (one undo step). Pointer moves
//! only touch preview signals (`Studio::drag_offset`, the connection line, the marquee) or the
//! viewport; the document changes when the pointer is released.
//!
//! Only the nodes and edges in the rendered area (the view plus a quarter screen around it, in
//! quarter-screen steps) are in the DOM, so the cost of a pan, a drag or an edit depends on what is
//! on screen, not on the size of the flow.

pub mod edge_view;
pub mod geometry;
pub mod gesture;
pub mod image;
pub mod minimap;
pub mod node_view;
pub mod shortcuts;

use std::collections::BTreeSet;

use callflow_core::command::{Command, NodeMove};
use callflow_core::document::{Node, NodeKind};
use leptos::ev::{KeyboardEvent, PointerEvent, WheelEvent};
use leptos::html;
use leptos::prelude::*;

use self::edge_view::EdgeView;
use self::geometry::{node_box, node_height, snap, Area, NODE_WIDTH};
use self::gesture::{Effect as Do, Gesture};
use self::minimap::Minimap;
use self::node_view::NodeView;
pub use self::shortcuts::delete_selection;
use self::shortcuts::KeyPlace;
use crate::state::viewport::{CanvasPoint, ScreenPoint, Viewport};
use crate::state::{use_studio, Selection, Studio};

/// Callbacks the node and edge views call; the canvas owns the gesture logic.
#[derive(Clone, Copy)]
pub struct CanvasEvents {
    pub node_pointer_down: Callback<(String, PointerEvent)>,
    pub port_pointer_down: Callback<(String, String, PointerEvent)>,
    pub edge_pointer_down: Callback<(usize, PointerEvent)>,
    pub node_key_down: Callback<(String, KeyboardEvent)>,
    pub node_focus: Callback<String>,
}

/// The node kind being dragged from the palette, if any (set by the palette, dropped here).
#[derive(Clone, Copy)]
pub struct PaletteDrag(pub RwSignal<Option<NodeKind>>);

#[component]
pub fn Canvas() -> impl IntoView {
    let studio = use_studio();
    let palette = expect_context::<PaletteDrag>().0;
    let container: NodeRef<html::Div> = NodeRef::new();
    let current = StoredValue::new(Gesture::Idle);
    let connect_line: RwSignal<Option<(CanvasPoint, CanvasPoint)>> = RwSignal::new(None);
    let marquee: RwSignal<Option<(CanvasPoint, CanvasPoint)>> = RwSignal::new(None);
    let space_held = RwSignal::new(false);

    // Screen points are relative to the canvas element (one place measures the DOM).
    let to_screen = move |client_x: i32, client_y: i32| -> Option<ScreenPoint> {
        let element = container.get_untracked()?;
        let rect = element.get_bounding_client_rect();
        Some(ScreenPoint { x: f64::from(client_x) - rect.left(), y: f64::from(client_y) - rect.top() })
    };
    let inside_canvas = move |client_x: i32, client_y: i32| -> bool {
        container.get_untracked().is_some_and(|element| {
            let rect = element.get_bounding_client_rect();
            let (x, y) = (f64::from(client_x), f64::from(client_y));
            x >= rect.left() && x <= rect.right() && y >= rect.top() && y <= rect.bottom()
        })
    };
    let to_canvas = move |client_x: i32, client_y: i32| -> Option<CanvasPoint> {
        to_screen(client_x, client_y).map(|p| studio.viewport.get_untracked().screen_to_canvas(p))
    };

    // Every pointer event goes through the pure transition function; this only carries out effects.
    let apply = move |event: gesture::Event| {
        let (next, effects) = studio.selection.with_untracked(|selection| {
            let context = gesture::Context {
                viewport: studio.viewport.get_untracked(),
                selection,
                space_held: space_held.get_untracked(),
            };
            gesture::step(current.get_value(), event, context)
        });
        current.set_value(next);
        for effect in effects {
            match effect {
                Do::Select(selection) => studio.selection.set(selection),
                Do::SetViewport(viewport) => studio.viewport.set(viewport),
                Do::StartDrag(ids) => {
                    studio.drag_offset.set((0.0, 0.0));
                    studio.drag_ids.set(Some(ids));
                }
                Do::DragOffset(dx, dy) => studio.drag_offset.set((dx, dy)),
                Do::EndDrag => {
                    studio.drag_ids.set(None);
                    studio.drag_offset.set((0.0, 0.0));
                }
                Do::MoveNodes { ids, dx, dy } => move_nodes(studio, &ids, dx, dy),
                Do::ConnectLine(line) => connect_line.set(line),
                Do::Connect { from, port, at } => {
                    if let Some(to) = node_at(studio, at) {
                        let _ = studio.dispatch(Command::Connect { from, port, to });
                    }
                }
                Do::MarqueeBox(area) => marquee.set(area),
                Do::SelectArea(a, b) => {
                    let inside = nodes_in(studio, a, b);
                    studio.selection.update(|s| {
                        s.nodes.extend(inside);
                        s.edge = None;
                    });
                }
            }
        }
    };
    let idle = move || current.with_value(|g| *g == Gesture::Idle);
    // A press on a node focuses it after the gesture decided the selection; that focus must not
    // select the node again (a Shift-click that removed it from the selection would be undone).
    let focus_from_press = StoredValue::new(false);
    // The pointer that started the gesture: a second finger or pen neither moves nor ends it.
    let pointer = StoredValue::new(None::<i32>);
    let from_other_pointer = move |ev: &PointerEvent| pointer.get_value().is_some_and(|id| id != ev.pointer_id());

    let events = CanvasEvents {
        node_pointer_down: Callback::new(move |(id, ev): (String, PointerEvent)| {
            if ev.button() != 0 || !idle() {
                return;
            }
            ev.stop_propagation();
            let Some(at) = to_screen(ev.client_x(), ev.client_y()) else { return };
            let additive = ev.shift_key() || ev.ctrl_key() || ev.meta_key();
            focus_from_press.set_value(true);
            pointer.set_value(Some(ev.pointer_id()));
            apply(gesture::Event::NodeDown { id, at, additive });
        }),
        port_pointer_down: Callback::new(move |(from, port, ev): (String, String, PointerEvent)| {
            if ev.button() != 0 || !idle() {
                return;
            }
            ev.stop_propagation();
            ev.prevent_default();
            let Some(at) = to_screen(ev.client_x(), ev.client_y()) else { return };
            pointer.set_value(Some(ev.pointer_id()));
            apply(gesture::Event::PortDown { from, port, at });
        }),
        edge_pointer_down: Callback::new(move |(index, ev): (usize, PointerEvent)| {
            ev.stop_propagation();
            studio.selection.set(Selection::edge(index));
        }),
        node_key_down: Callback::new(move |(id, ev): (String, KeyboardEvent)| {
            if ev.key() == "Enter" {
                ev.prevent_default();
                studio.selection.set(Selection::node(&id));
                focus_inspector();
            }
        }),
        node_focus: Callback::new(move |id: String| {
            if focus_from_press.try_update_value(std::mem::take).unwrap_or(false) {
                return;
            }
            if !studio.selection.with_untracked(|s| s.nodes.contains(&id)) {
                studio.selection.set(Selection::node(&id));
            }
        }),
    };

    let background_down = move |ev: PointerEvent| {
        if ev.button() != 0 && ev.button() != 1 {
            return;
        }
        let Some(at) = to_screen(ev.client_x(), ev.client_y()) else { return };
        if !idle() {
            return;
        }
        pointer.set_value(Some(ev.pointer_id()));
        apply(gesture::Event::BackgroundDown { at, shift: ev.shift_key() });
    };

    let move_handle = window_event_listener(leptos::ev::pointermove, move |ev: PointerEvent| {
        if idle() || from_other_pointer(&ev) {
            return;
        }
        // No button held: the release happened where this page could not see it (another window,
        // a context menu). The gesture is abandoned as with Escape.
        if ev.buttons() == 0 {
            apply(gesture::Event::Escape);
            return;
        }
        if let Some(at) = to_screen(ev.client_x(), ev.client_y()) {
            apply(gesture::Event::Move { at });
        }
    });
    // The browser took the pointer away, or the window lost focus: abandon the gesture and forget
    // a held Space (its key-up will not arrive).
    let cancel_handle = window_event_listener(leptos::ev::pointercancel, move |ev: PointerEvent| {
        if !idle() && !from_other_pointer(&ev) {
            apply(gesture::Event::Escape);
        }
    });
    let blur_handle = window_event_listener(leptos::ev::blur, move |_| {
        space_held.set(false);
        if palette.get_untracked().is_some() {
            palette.set(None);
        }
        if !idle() {
            apply(gesture::Event::Escape);
        }
    });

    let up_handle = window_event_listener(leptos::ev::pointerup, move |ev: PointerEvent| {
        if let Some(kind) = palette.get_untracked() {
            palette.set(None);
            if inside_canvas(ev.client_x(), ev.client_y()) {
                if let Some(point) = to_canvas(ev.client_x(), ev.client_y()) {
                    add_node(studio, kind, point);
                }
            }
            return;
        }
        if idle() || from_other_pointer(&ev) {
            return;
        }
        if let Some(at) = to_screen(ev.client_x(), ev.client_y()) {
            apply(gesture::Event::Up { at });
        }
    });

    let key_handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        let key = ev.key();
        // Escape aborts a gesture or a palette drag wherever the focus is (a port press keeps the
        // focus in an inspector field).
        if key == "Escape" {
            if palette.get_untracked().is_some() {
                palette.set(None);
            }
            if !idle() {
                apply(gesture::Event::Escape);
            }
            studio.overlay.set(crate::state::Overlay::None);
        }
        // A presentation has its own keys (`panels/presenter.rs`).
        if studio.presenting.get_untracked() {
            return;
        }
        let place = shortcuts::key_place(&ev);
        if place == KeyPlace::Field {
            return;
        }
        if key == " " {
            space_held.set(true);
        }
        let found = shortcuts::shortcut(&key, ev.ctrl_key() || ev.meta_key(), ev.shift_key(), place);
        if found.is_some_and(|shortcut| shortcuts::run(studio, shortcut)) {
            ev.prevent_default();
        }
    });
    let key_up_handle = window_event_listener(leptos::ev::keyup, move |ev: KeyboardEvent| {
        if ev.key() == " " {
            space_held.set(false);
        }
    });
    on_cleanup(move || {
        move_handle.remove();
        cancel_handle.remove();
        blur_handle.remove();
        up_handle.remove();
        key_handle.remove();
        key_up_handle.remove();
    });

    let wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let Some(anchor) = to_screen(ev.client_x(), ev.client_y()) else { return };
        let factor = (-ev.delta_y() * 0.0015).exp();
        apply(gesture::Event::Zoom { at: anchor, factor });
    };

    // The canvas's size on screen, measured when it mounts and when the window resizes.
    let canvas_size = expect_context::<CanvasSize>().0;
    let measure = move || {
        if let Some(element) = container.get_untracked() {
            let rect = element.get_bounding_client_rect();
            canvas_size.set((rect.width(), rect.height()));
        }
    };
    // No node or edge is drawn until the canvas is measured and the first view is placed: drawing
    // them at a guessed size and view first would lay the flow out two more times before the first
    // paint, and redraw it.
    let placed = RwSignal::new(false);
    // Re-measured whenever the canvas's box changes: a window resize, or presentation mode hiding
    // the panels around it. A ResizeObserver, because the box changes without a window resize.
    let observer: StoredValue<Option<web_sys::ResizeObserver>, LocalStorage> = StoredValue::new_local(None);
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        let Some(element) = container.get() else { return };
        if observer.with_value(Option::is_some) {
            return;
        }
        // One canvas lives as long as the page: its callback is kept for good.
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(move |_| {
            if placed.get_untracked() {
                measure();
            }
        });
        if let Ok(created) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            created.observe(&element);
            observer.set_value(Some(created));
        }
        callback.forget();
    });
    on_cleanup(move || {
        if let Some(created) = observer.try_get_value().flatten() {
            created.disconnect();
        }
    });

    // The rendered area changes only when the view moves by half a screen (or zooms).
    let area = Memo::new(move |_| {
        let viewport = studio.viewport.get();
        let (width, height) = canvas_size.get();
        let top_left = viewport.screen_to_canvas(ScreenPoint { x: 0.0, y: 0.0 });
        let bottom_right = viewport.screen_to_canvas(ScreenPoint { x: width.max(1.0), y: height.max(1.0) });
        Area::around_view(top_left, bottom_right)
    });
    // The nodes in the area, and the dragged ones wherever they are. Both lists follow the layout
    // revision, not the document: a field edit moves nothing and skips this scan.
    let node_ids = Memo::new(move |_| {
        if !placed.get() {
            return Vec::new();
        }
        let area = area.get();
        studio.drag_ids.with(|dragged| {
            studio.layout.track();
            studio.document.with_untracked(|d| {
                d.flow
                    .nodes
                    .iter()
                    .filter(|n| {
                        let (min, max) = node_box(n);
                        area.overlaps(min, max) || dragged.as_ref().is_some_and(|ids| ids.contains(&n.id))
                    })
                    .map(|n| n.id.clone())
                    .collect::<Vec<_>>()
            })
        })
    });
    // The edges whose ends' bounding box meets the area (long edges crossing the view included),
    // edges with a dragged end, and every edge that names a missing node (drawn nowhere, but kept
    // so its findings can select it).
    let edge_keys = Memo::new(move |_| {
        if !placed.get() {
            return Vec::new();
        }
        let area = area.get();
        let index = studio.index.get();
        studio.drag_ids.with(|dragged| {
            studio.layout.track();
            studio.document.with_untracked(|d| {
                let is_dragged = |id: &String| dragged.as_ref().is_some_and(|ids| ids.contains(id));
                d.flow
                    .edges
                    .iter()
                    .zip(index.edges())
                    .enumerate()
                    .filter(|(_, (edge, ends))| {
                        let (Some(from), Some(to)) = (ends.from, ends.to) else { return true };
                        let (a_min, a_max) = node_box(&d.flow.nodes[from as usize]);
                        let (b_min, b_max) = node_box(&d.flow.nodes[to as usize]);
                        let min = CanvasPoint { x: a_min.x.min(b_min.x), y: a_min.y.min(b_min.y) };
                        let max = CanvasPoint { x: a_max.x.max(b_max.x), y: a_max.y.max(b_max.y) };
                        area.overlaps(min, max) || is_dragged(&edge.from) || is_dragged(&edge.to)
                    })
                    .map(|(i, (e, _))| (i, e.from.clone(), e.port_name().to_owned(), e.to.clone()))
                    .collect::<Vec<_>>()
            })
        })
    });
    // Measure and place the view on load, and place it whenever someone asks (toolbar, opening a
    // document).
    let fit_request = expect_context::<FitRequest>().0;
    Effect::new(move |_| {
        let (_, mode) = fit_request.get();
        request_animation_frame(move || {
            if !placed.get_untracked() {
                measure();
            }
            fit_view(studio, container, mode);
            placed.set(true);
        });
    });

    view! {
        <div
            class="cf-canvas"
            node_ref=container
            class:cf-canvas--panning=move || space_held.get()
        >
            <svg
                class="cf-canvas__svg"
                data-testid="canvas"
                role="application"
                aria-label="Flow canvas: drag kinds from the palette, connect ports to nodes"
                on:pointerdown=background_down
                on:wheel=wheel
            >
                <defs>
                    <pattern id="cf-grid" width="20" height="20" patternUnits="userSpaceOnUse"
                        patternTransform=move || {
                            let v = studio.viewport.get();
                            format!("translate({:.1} {:.1}) scale({:.4})", v.pan_x, v.pan_y, v.zoom)
                        }
                    >
                        <circle cx="1" cy="1" r="1" class="cf-canvas__dot" />
                    </pattern>
                    <marker id="cf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="cf-edge__arrow" />
                    </marker>
                </defs>
                <rect class="cf-canvas__background" width="100%" height="100%" fill="url(#cf-grid)" />
                <g transform=move || studio.viewport.get().transform()>
                    <g class="cf-canvas__edges">
                        <For each=move || edge_keys.get() key=|k| k.clone() let:key>
                            <EdgeView index=key.0 events=events />
                        </For>
                    </g>
                    <g class="cf-canvas__nodes">
                        <For each=move || node_ids.get() key=|id| id.clone() let:id>
                            <NodeView id=id events=events />
                        </For>
                    </g>
                    {move || connect_line.get().map(|(from, to)| view! {
                        <path class="cf-edge__preview" d=geometry::edge_path(from, to) />
                    })}
                    {move || marquee.get().map(|(a, b)| view! {
                        <rect class="cf-canvas__marquee" x=a.x.min(b.x) y=a.y.min(b.y)
                            width=(a.x - b.x).abs() height=(a.y - b.y).abs() />
                    })}
                </g>
            </svg>
            <Minimap />
        </div>
    }
}

/// Asks the canvas to change the view: bump it with [`FitRequest::open`] after opening a document
/// (the whole flow if it is readable that way, else its start at full size) or [`FitRequest::all`]
/// (the toolbar's Fit: everything).
#[derive(Clone, Copy)]
pub struct FitRequest(pub RwSignal<(u64, FitMode)>);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FitMode {
    Open,
    All,
}

impl FitRequest {
    pub fn open(self) {
        self.0.update(|(n, mode)| (*n, *mode) = (*n + 1, FitMode::Open));
    }

    pub fn all(self) {
        self.0.update(|(n, mode)| (*n, *mode) = (*n + 1, FitMode::All));
    }
}

/// The canvas element's size in screen pixels, measured by the canvas (the minimap reads it too).
#[derive(Clone, Copy)]
pub struct CanvasSize(pub RwSignal<(f64, f64)>);

fn fit_view(studio: Studio, container: NodeRef<html::Div>, mode: FitMode) {
    const MARGIN: f64 = 40.0;
    let Some(element) = container.get_untracked() else { return };
    let rect = element.get_bounding_client_rect();
    let index = studio.index.get_untracked();
    let (bounds, start) = studio.document.with_untracked(|d| {
        let start = index.start_node(d).map(|i| CanvasPoint { x: d.flow.nodes[i].x, y: d.flow.nodes[i].y });
        (flow_bounds(&d.flow.nodes), start)
    });
    let Some(bounds) = bounds else { return };
    let view = match (mode, start) {
        (FitMode::Open, Some(start)) => Viewport::open(bounds, start, rect.width(), rect.height(), MARGIN),
        _ => Viewport::fit(bounds, rect.width(), rect.height(), MARGIN),
    };
    studio.viewport.set(view);
}

/// The canvas rectangle covering every node.
pub fn flow_bounds(nodes: &[Node]) -> Option<(CanvasPoint, CanvasPoint)> {
    let mut iter = nodes.iter();
    let first = iter.next()?;
    let mut min = CanvasPoint { x: first.x, y: first.y };
    let mut max = CanvasPoint { x: first.x + NODE_WIDTH, y: first.y + node_height(first.body.port_count()) };
    for node in iter {
        min.x = min.x.min(node.x);
        min.y = min.y.min(node.y);
        max.x = max.x.max(node.x + NODE_WIDTH);
        max.y = max.y.max(node.y + node_height(node.body.port_count()));
    }
    Some((min, max))
}

fn focus_inspector() {
    use wasm_bindgen::JsCast;
    let first = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-testid=inspector] input, [data-testid=inspector] select").ok().flatten());
    if let Some(element) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// The topmost node under a canvas point.
fn node_at(studio: Studio, point: CanvasPoint) -> Option<String> {
    studio.document.with_untracked(|d| {
        d.flow
            .nodes
            .iter()
            .rev()
            .find(|n| {
                point.x >= n.x
                    && point.x <= n.x + NODE_WIDTH
                    && point.y >= n.y
                    && point.y <= n.y + node_height(n.body.port_count())
            })
            .map(|n| n.id.clone())
    })
}

fn nodes_in(studio: Studio, a: CanvasPoint, b: CanvasPoint) -> Vec<String> {
    let (left, right) = (a.x.min(b.x), a.x.max(b.x));
    let (top, bottom) = (a.y.min(b.y), a.y.max(b.y));
    studio.document.with_untracked(|d| {
        d.flow
            .nodes
            .iter()
            .filter(|n| {
                n.x < right && n.x + NODE_WIDTH > left && n.y < bottom && n.y + node_height(n.body.port_count()) > top
            })
            .map(|n| n.id.clone())
            .collect()
    })
}

/// A new node of `kind` with the kind table's defaults (`NodeBody::new`), centered on the drop point.
pub fn add_node(studio: Studio, kind: NodeKind, point: CanvasPoint) {
    let id = studio.fresh_id(kind.as_str());
    let (mut x, mut y) = (point.x - NODE_WIDTH / 2.0, point.y - 20.0);
    if studio.snap.get_untracked() {
        (x, y) = (snap(x), snap(y));
    }
    let node = Node::new(id.clone(), kind, x, y);
    if studio.dispatch(Command::AddNode { node }).is_ok() {
        studio.selection.set(Selection::node(&id));
    }
}

/// Commits a drag: one `MoveNodes` of `ids` by the offset, snapped to the grid when snapping is on.
fn move_nodes(studio: Studio, ids: &BTreeSet<String>, dx: f64, dy: f64) {
    let snap_on = studio.snap.get_untracked();
    let moves = studio.document.with_untracked(|d| {
        d.flow
            .nodes
            .iter()
            .filter(|n| ids.contains(&n.id))
            .map(|n| {
                let (mut x, mut y) = (n.x + dx, n.y + dy);
                if snap_on {
                    (x, y) = (snap(x), snap(y));
                }
                NodeMove { id: n.id.clone(), x, y }
            })
            .collect::<Vec<_>>()
    });
    let _ = studio.dispatch(Command::MoveNodes { moves });
}
