//! The SVG canvas: nodes, edges, and the gestures that edit them. Every gesture ends in at most one
//! core command (one undo step). Pointer moves only touch preview signals (`Studio::drag_offset`,
//! the connection line, the marquee) or the viewport; the document changes when the pointer is
//! released.
//!
//! Only the nodes and edges in the rendered area (the view plus half a screen around it, in
//! half-screen steps) are in the DOM, so the cost of a pan, a drag or an edit depends on what is
//! on screen, not on the size of the flow.

pub mod edge_view;
pub mod geometry;
pub mod minimap;
pub mod node_view;

use std::collections::BTreeSet;
use std::sync::Arc;

use callflow_core::command::{Command, NodeMove};
use callflow_core::document::{Node, NodeKind};
use leptos::ev::{KeyboardEvent, PointerEvent, WheelEvent};
use leptos::html;
use leptos::prelude::*;

use self::edge_view::EdgeView;
use self::geometry::{node_box, node_height, snap, Area, NODE_WIDTH};
use self::minimap::Minimap;
use self::node_view::NodeView;
use crate::state::viewport::{CanvasPoint, ScreenPoint, Viewport};
use crate::state::{use_studio, Selection, Studio};

/// The gesture in progress, with what is needed to finish it or abort it with Escape.
#[derive(Debug, Clone, PartialEq)]
enum Gesture {
    Idle,
    Panning {
        start: ScreenPoint,
        origin: Viewport,
    },
    /// The ids are set once, in `Studio::drag_ids`, when the drag starts.
    DraggingNodes {
        start: ScreenPoint,
        ids: Arc<BTreeSet<String>>,
    },
    Connecting {
        from: String,
        port: String,
    },
    Marquee {
        start: CanvasPoint,
        additive: bool,
    },
}

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
    let gesture = StoredValue::new(Gesture::Idle);
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

    let events = CanvasEvents {
        node_pointer_down: Callback::new(move |(id, ev): (String, PointerEvent)| {
            if ev.button() != 0 || space_held.get_untracked() {
                return;
            }
            ev.stop_propagation();
            let Some(start) = to_screen(ev.client_x(), ev.client_y()) else { return };
            let additive = ev.shift_key() || ev.ctrl_key() || ev.meta_key();
            let mut selection = studio.selection.get_untracked();
            if additive {
                if !selection.nodes.remove(&id) {
                    selection.nodes.insert(id.clone());
                }
            } else if !selection.nodes.contains(&id) {
                selection = Selection::node(&id);
            }
            selection.edge = None;
            let ids = Arc::new(selection.nodes.clone());
            studio.selection.set(selection);
            if ids.contains(&id) {
                studio.drag_offset.set((0.0, 0.0));
                studio.drag_ids.set(Some(ids.clone()));
                gesture.set_value(Gesture::DraggingNodes { start, ids });
            }
        }),
        port_pointer_down: Callback::new(move |(from, port, ev): (String, String, PointerEvent)| {
            if ev.button() != 0 {
                return;
            }
            ev.stop_propagation();
            ev.prevent_default();
            let Some(point) = to_canvas(ev.client_x(), ev.client_y()) else { return };
            connect_line.set(Some((point, point)));
            gesture.set_value(Gesture::Connecting { from, port });
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
            if !studio.selection.with_untracked(|s| s.nodes.contains(&id)) {
                studio.selection.set(Selection::node(&id));
            }
        }),
    };

    let background_down = move |ev: PointerEvent| {
        if ev.button() != 0 && ev.button() != 1 {
            return;
        }
        let Some(start) = to_screen(ev.client_x(), ev.client_y()) else { return };
        if ev.shift_key() && !space_held.get_untracked() {
            let point = studio.viewport.get_untracked().screen_to_canvas(start);
            marquee.set(Some((point, point)));
            gesture.set_value(Gesture::Marquee { start: point, additive: true });
        } else {
            studio.selection.set(Selection::default());
            gesture.set_value(Gesture::Panning { start, origin: studio.viewport.get_untracked() });
        }
    };

    let move_handle = window_event_listener(leptos::ev::pointermove, move |ev: PointerEvent| {
        let current = gesture.get_value();
        if current == Gesture::Idle {
            return;
        }
        let Some(point) = to_screen(ev.client_x(), ev.client_y()) else { return };
        let viewport = studio.viewport.get_untracked();
        match current {
            Gesture::Idle => {}
            Gesture::Panning { start, origin } => {
                studio.viewport.set(origin.panned(point.x - start.x, point.y - start.y));
            }
            Gesture::DraggingNodes { start, .. } => {
                let dx = (point.x - start.x) / viewport.zoom;
                let dy = (point.y - start.y) / viewport.zoom;
                studio.drag_offset.set((dx, dy));
            }
            Gesture::Connecting { .. } => {
                let end = viewport.screen_to_canvas(point);
                connect_line.update(|line| {
                    if let Some((_, to)) = line {
                        *to = end;
                    }
                });
            }
            Gesture::Marquee { start, .. } => marquee.set(Some((start, viewport.screen_to_canvas(point)))),
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
        let finished = gesture.get_value();
        gesture.set_value(Gesture::Idle);
        match finished {
            Gesture::Idle | Gesture::Panning { .. } => {}
            Gesture::DraggingNodes { ids, .. } => {
                let (dx, dy) = studio.drag_offset.get_untracked();
                // The move lands first, then the preview ends, so the nodes never jump back a frame.
                if dx.abs() + dy.abs() > 0.5 {
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
                studio.drag_ids.set(None);
                studio.drag_offset.set((0.0, 0.0));
            }
            Gesture::Connecting { from, port } => {
                connect_line.set(None);
                if let Some(point) = to_canvas(ev.client_x(), ev.client_y()) {
                    if let Some(to) = node_at(studio, point) {
                        let _ = studio.dispatch(Command::Connect { from, port, to });
                    }
                }
            }
            Gesture::Marquee { start, additive } => {
                marquee.set(None);
                if let Some(end) = to_canvas(ev.client_x(), ev.client_y()) {
                    let inside = nodes_in(studio, start, end);
                    studio.selection.update(|s| {
                        if !additive {
                            s.nodes.clear();
                        }
                        s.nodes.extend(inside);
                        s.edge = None;
                    });
                }
            }
        }
    });

    let key_handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        let place = key_place(&ev);
        if place == KeyPlace::Field {
            return;
        }
        if ev.key() == " " {
            space_held.set(true);
        }
        if ev.key() == "Escape" {
            abort_gesture(studio, gesture, connect_line, marquee);
        }
        handle_shortcut(studio, &ev, place);
    });
    let key_up_handle = window_event_listener(leptos::ev::keyup, move |ev: KeyboardEvent| {
        if ev.key() == " " {
            space_held.set(false);
        }
    });
    on_cleanup(move || {
        move_handle.remove();
        up_handle.remove();
        key_handle.remove();
        key_up_handle.remove();
    });

    let wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let Some(anchor) = to_screen(ev.client_x(), ev.client_y()) else { return };
        let factor = (-ev.delta_y() * 0.0015).exp();
        studio.viewport.update(|v| *v = v.zoom_about(anchor, factor));
    };

    // The canvas's size on screen, measured when it mounts and when the window resizes.
    let canvas_size = expect_context::<CanvasSize>().0;
    let measure = move || {
        if let Some(element) = container.get_untracked() {
            let rect = element.get_bounding_client_rect();
            canvas_size.set((rect.width(), rect.height()));
        }
    };
    request_animation_frame(measure);
    let resize_handle = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize_handle.remove());

    // The rendered area changes only when the view moves by half a screen (or zooms).
    let area = Memo::new(move |_| {
        let viewport = studio.viewport.get();
        let (width, height) = canvas_size.get();
        let top_left = viewport.screen_to_canvas(ScreenPoint { x: 0.0, y: 0.0 });
        let bottom_right = viewport.screen_to_canvas(ScreenPoint { x: width.max(1.0), y: height.max(1.0) });
        Area::around_view(top_left, bottom_right)
    });
    // The nodes in the area, and the dragged ones wherever they are.
    let node_ids = Memo::new(move |_| {
        let area = area.get();
        studio.drag_ids.with(|dragged| {
            studio.document.with(|d| {
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
        let area = area.get();
        let index = studio.index.get();
        studio.drag_ids.with(|dragged| {
            studio.document.with(|d| {
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
    // Fit on load and whenever someone asks (toolbar, opening a document).
    let fit_request = expect_context::<FitRequest>().0;
    Effect::new(move |_| {
        fit_request.track();
        request_animation_frame(move || fit_view(studio, container));
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

/// Asks the canvas to fit the flow into view (toolbar button, after opening a document): bump it.
#[derive(Clone, Copy)]
pub struct FitRequest(pub RwSignal<u64>);

impl FitRequest {
    pub fn run(self, (): ()) {
        self.0.update(|n| *n += 1);
    }
}

/// The canvas element's size in screen pixels, measured by the canvas (the minimap reads it too).
#[derive(Clone, Copy)]
pub struct CanvasSize(pub RwSignal<(f64, f64)>);

fn fit_view(studio: Studio, container: NodeRef<html::Div>) {
    let Some(element) = container.get_untracked() else { return };
    let rect = element.get_bounding_client_rect();
    let bounds = studio.document.with_untracked(|d| flow_bounds(&d.flow.nodes));
    if let Some(bounds) = bounds {
        studio.viewport.set(Viewport::fit(bounds, rect.width(), rect.height(), 40.0));
    }
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

/// Where a key was pressed, which decides which shortcuts apply.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyPlace {
    /// A text field or list: every key keeps its usual meaning.
    Field,
    /// The canvas or the page itself: every shortcut applies.
    Canvas,
    /// Elsewhere (a toolbar button, a panel): undo and redo apply; copy, paste, select all, delete
    /// and arrows keep their usual meaning there (selecting export text, say).
    Elsewhere,
}

fn key_place(ev: &KeyboardEvent) -> KeyPlace {
    use wasm_bindgen::JsCast;
    let Some(element) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return KeyPlace::Canvas;
    };
    match element.tag_name().as_str() {
        "INPUT" | "TEXTAREA" | "SELECT" => KeyPlace::Field,
        "BODY" | "HTML" => KeyPlace::Canvas,
        _ if element.closest(".cf-canvas").ok().flatten().is_some() => KeyPlace::Canvas,
        _ => KeyPlace::Elsewhere,
    }
}

fn abort_gesture(
    studio: Studio,
    gesture: StoredValue<Gesture>,
    connect_line: RwSignal<Option<(CanvasPoint, CanvasPoint)>>,
    marquee: RwSignal<Option<(CanvasPoint, CanvasPoint)>>,
) {
    if let Gesture::Panning { origin, .. } = gesture.get_value() {
        studio.viewport.set(origin);
    }
    gesture.set_value(Gesture::Idle);
    studio.drag_ids.set(None);
    studio.drag_offset.set((0.0, 0.0));
    connect_line.set(None);
    marquee.set(None);
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

/// Deletes the selected nodes (with their edges) or the selected edge: one undo step.
pub fn delete_selection(studio: Studio) {
    let selection = studio.selection.get_untracked();
    let mut commands: Vec<Command> = Vec::new();
    if let Some(index) = selection.edge {
        commands.push(Command::RemoveEdge { index });
    }
    if !selection.nodes.is_empty() {
        commands.push(Command::RemoveNodes { ids: selection.nodes.iter().cloned().collect() });
    }
    if commands.is_empty() {
        return;
    }
    if studio.dispatch(Command::Batch { commands }).is_ok() {
        studio.selection.set(Selection::default());
    }
}

fn handle_shortcut(studio: Studio, ev: &KeyboardEvent, place: KeyPlace) {
    let command_key = ev.ctrl_key() || ev.meta_key();
    let key = ev.key();
    match (command_key, key.as_str()) {
        (true, "z") | (true, "Z") if ev.shift_key() => studio.redo(),
        (true, "z") => studio.undo(),
        (true, "y") => studio.redo(),
        _ if place != KeyPlace::Canvas => return,
        (true, "a") => {
            let all = studio.document.with_untracked(|d| d.flow.nodes.iter().map(|n| n.id.clone()).collect());
            studio.selection.set(Selection { nodes: all, edge: None });
        }
        (true, "c") => {
            if !crate::clipboard::copy_selection(studio) {
                return;
            }
        }
        // Nothing copied here: let the browser paste, which imports pasted JSON (see `App`).
        (true, "v") => {
            if !crate::clipboard::paste(studio) {
                return;
            }
        }
        (true, "d") => {
            crate::clipboard::copy_selection(studio);
            crate::clipboard::paste(studio);
        }
        (false, "Delete") | (false, "Backspace") => delete_selection(studio),
        (false, "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") => {
            let step = if ev.shift_key() { 1.0 } else { geometry::GRID };
            let (dx, dy) = match key.as_str() {
                "ArrowLeft" => (-step, 0.0),
                "ArrowRight" => (step, 0.0),
                "ArrowUp" => (0.0, -step),
                _ => (0.0, step),
            };
            let ids = studio.selection.with_untracked(|s| s.nodes.clone());
            if ids.is_empty() {
                return;
            }
            let moves = studio.document.with_untracked(|d| {
                d.flow
                    .nodes
                    .iter()
                    .filter(|n| ids.contains(&n.id))
                    .map(|n| NodeMove { id: n.id.clone(), x: n.x + dx, y: n.y + dy })
                    .collect()
            });
            let _ = studio.dispatch(Command::MoveNodes { moves });
        }
        _ => return,
    }
    ev.prevent_default();
}
