//! The canvas's gestures as pure transitions: `step(gesture, event, context) -> (gesture, effects)`.
//!
//! The DOM listeners in `canvas/mod.rs` only translate browser events into [`Event`]s (screen points
//! relative to the canvas) and carry out the returned [`Effect`]s on the studio's signals. Nothing
//! here touches the DOM or a signal, so every gesture — pan, drag, connect, marquee, and Escape in the
//! middle of each — is tested natively below.
//!
//! Every gesture ends in at most one document change (one undo step), and only when the pointer is
//! released; pointer moves only produce previews (drag offset, connection line, marquee) or a new
//! viewport.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::state::viewport::{CanvasPoint, ScreenPoint, Viewport};
use crate::state::Selection;

/// A drag shorter than this (in canvas units, summed over both axes) is a click: nothing moves.
pub const CLICK_SLOP: f64 = 0.5;

/// A press and release on a port closer than this (screen pixels, summed over both axes) is a click,
/// not a connection: the port's label lies inside its own node, which would otherwise connect to
/// itself. A real drag back onto the node (a menu that repeats itself) still connects.
pub const PORT_CLICK_SLOP: f64 = 6.0;

/// The gesture in progress, with what is needed to finish it or to abort it with Escape.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Gesture {
    #[default]
    Idle,
    Panning {
        start: ScreenPoint,
        origin: Viewport,
    },
    DraggingNodes {
        start: ScreenPoint,
        ids: Arc<BTreeSet<String>>,
    },
    Connecting {
        from: String,
        port: String,
        origin: CanvasPoint,
        /// Where the press was, on the screen (to tell a click from a drag).
        pressed: ScreenPoint,
    },
    /// Shift-drag on the background: the nodes inside are added to the selection.
    Marquee {
        start: CanvasPoint,
    },
}

/// What the canvas saw, in screen points relative to the canvas element.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Primary or middle button on the empty background.
    BackgroundDown {
        at: ScreenPoint,
        shift: bool,
    },
    /// Primary button on a node's body; `additive` is Shift, Ctrl or Cmd.
    NodeDown {
        id: String,
        at: ScreenPoint,
        additive: bool,
    },
    /// Primary button on an output port (its circle or its label).
    PortDown {
        from: String,
        port: String,
        at: ScreenPoint,
    },
    Move {
        at: ScreenPoint,
    },
    Up {
        at: ScreenPoint,
    },
    /// The wheel asks to zoom about `at` by `factor`.
    Zoom {
        at: ScreenPoint,
        factor: f64,
    },
    Escape,
}

/// The state the transitions read but do not own.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub viewport: Viewport,
    pub selection: &'a Selection,
    /// Space is held: any press pans, even on a node.
    pub space_held: bool,
}

/// What the canvas must do after a transition, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Select(Selection),
    SetViewport(Viewport),
    /// Starts the drag preview of these nodes (offset zero).
    StartDrag(Arc<BTreeSet<String>>),
    /// The dragged nodes' offset from where they were, in canvas units.
    DragOffset(f64, f64),
    /// Ends the drag preview (after any `MoveNodes`, so nodes never jump back for a frame).
    EndDrag,
    /// Commit the drag: move `ids` by the offset (one `MoveNodes`, snapped by the canvas).
    MoveNodes {
        ids: Arc<BTreeSet<String>>,
        dx: f64,
        dy: f64,
    },
    /// The connection preview line, or none.
    ConnectLine(Option<(CanvasPoint, CanvasPoint)>),
    /// Connect `from`'s `port` to the node under `at`, if there is one.
    Connect {
        from: String,
        port: String,
        at: CanvasPoint,
    },
    /// The marquee rectangle being drawn, or none.
    MarqueeBox(Option<(CanvasPoint, CanvasPoint)>),
    /// Add the nodes inside this rectangle to the selection.
    SelectArea(CanvasPoint, CanvasPoint),
}

/// One transition. Events that make no sense in the current gesture (a second press, a move while
/// idle, a zoom while dragging, connecting or drawing a marquee, whose offsets are in the view's
/// units) leave it unchanged and do nothing.
pub fn step(gesture: Gesture, event: Event, context: Context<'_>) -> (Gesture, Vec<Effect>) {
    let viewport = context.viewport;
    match (gesture, event) {
        (Gesture::Idle, Event::BackgroundDown { at, .. }) if context.space_held => pan_from(at, viewport, Vec::new()),
        (Gesture::Idle, Event::NodeDown { at, .. }) if context.space_held => pan_from(at, viewport, Vec::new()),
        (Gesture::Idle, Event::BackgroundDown { at, shift: true }) => {
            let start = viewport.screen_to_canvas(at);
            (Gesture::Marquee { start }, vec![Effect::MarqueeBox(Some((start, start)))])
        }
        (Gesture::Idle, Event::BackgroundDown { at, shift: false }) => {
            pan_from(at, viewport, vec![Effect::Select(Selection::default())])
        }
        (Gesture::Idle, Event::NodeDown { id, at, additive }) => {
            let mut selection = context.selection.clone();
            if additive {
                if !selection.nodes.remove(&id) {
                    selection.nodes.insert(id.clone());
                }
            } else if !selection.nodes.contains(&id) {
                selection = Selection::node(&id);
            }
            selection.edge = None;
            // A shift-click that removed the node from the selection drags nothing.
            if !selection.nodes.contains(&id) {
                return (Gesture::Idle, vec![Effect::Select(selection)]);
            }
            let ids = Arc::new(selection.nodes.clone());
            let effects = vec![Effect::Select(selection), Effect::StartDrag(ids.clone())];
            (Gesture::DraggingNodes { start: at, ids }, effects)
        }
        (Gesture::Idle, Event::PortDown { from, port, at }) => {
            let origin = viewport.screen_to_canvas(at);
            let line = vec![Effect::ConnectLine(Some((origin, origin)))];
            (Gesture::Connecting { from, port, origin, pressed: at }, line)
        }

        (Gesture::Panning { start, origin }, Event::Move { at }) => {
            let effects = vec![Effect::SetViewport(origin.panned(at.x - start.x, at.y - start.y))];
            (Gesture::Panning { start, origin }, effects)
        }
        (Gesture::Panning { origin, .. }, Event::Escape) => (Gesture::Idle, vec![Effect::SetViewport(origin)]),
        (Gesture::Panning { .. }, Event::Up { .. }) => (Gesture::Idle, Vec::new()),
        // Zooming while panning goes on from the zoomed view (a later move must not undo the zoom).
        (Gesture::Panning { .. }, Event::Zoom { at, factor }) => {
            let zoomed = viewport.zoom_about(at, factor);
            (Gesture::Panning { start: at, origin: zoomed }, vec![Effect::SetViewport(zoomed)])
        }
        (Gesture::Idle, Event::Zoom { at, factor }) => {
            (Gesture::Idle, vec![Effect::SetViewport(viewport.zoom_about(at, factor))])
        }

        (Gesture::DraggingNodes { start, ids }, Event::Move { at }) => {
            let (dx, dy) = offset(start, at, viewport);
            (Gesture::DraggingNodes { start, ids }, vec![Effect::DragOffset(dx, dy)])
        }
        (Gesture::DraggingNodes { start, ids }, Event::Up { at }) => {
            let (dx, dy) = offset(start, at, viewport);
            let mut effects = Vec::with_capacity(2);
            if dx.abs() + dy.abs() > CLICK_SLOP {
                effects.push(Effect::MoveNodes { ids, dx, dy });
            }
            effects.push(Effect::EndDrag);
            (Gesture::Idle, effects)
        }
        (Gesture::DraggingNodes { .. }, Event::Escape) => (Gesture::Idle, vec![Effect::EndDrag]),

        (Gesture::Connecting { from, port, origin, pressed }, Event::Move { at }) => {
            let effects = vec![Effect::ConnectLine(Some((origin, viewport.screen_to_canvas(at))))];
            (Gesture::Connecting { from, port, origin, pressed }, effects)
        }
        (Gesture::Connecting { from, port, pressed, .. }, Event::Up { at }) => {
            if (at.x - pressed.x).abs() + (at.y - pressed.y).abs() < PORT_CLICK_SLOP {
                return (Gesture::Idle, vec![Effect::ConnectLine(None)]);
            }
            let at = viewport.screen_to_canvas(at);
            (Gesture::Idle, vec![Effect::ConnectLine(None), Effect::Connect { from, port, at }])
        }
        (Gesture::Connecting { .. }, Event::Escape) => (Gesture::Idle, vec![Effect::ConnectLine(None)]),

        (Gesture::Marquee { start }, Event::Move { at }) => {
            let effects = vec![Effect::MarqueeBox(Some((start, viewport.screen_to_canvas(at))))];
            (Gesture::Marquee { start }, effects)
        }
        (Gesture::Marquee { start }, Event::Up { at }) => {
            let end = viewport.screen_to_canvas(at);
            (Gesture::Idle, vec![Effect::MarqueeBox(None), Effect::SelectArea(start, end)])
        }
        (Gesture::Marquee { .. }, Event::Escape) => (Gesture::Idle, vec![Effect::MarqueeBox(None)]),

        (gesture, _) => (gesture, Vec::new()),
    }
}

fn pan_from(at: ScreenPoint, origin: Viewport, effects: Vec<Effect>) -> (Gesture, Vec<Effect>) {
    (Gesture::Panning { start: at, origin }, effects)
}

/// A screen distance as a canvas distance.
fn offset(start: ScreenPoint, at: ScreenPoint, viewport: Viewport) -> (f64, f64) {
    ((at.x - start.x) / viewport.zoom, (at.y - start.y) / viewport.zoom)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW: Viewport = Viewport { pan_x: 100.0, pan_y: 50.0, zoom: 2.0 };

    fn at(x: f64, y: f64) -> ScreenPoint {
        ScreenPoint { x, y }
    }

    fn canvas(x: f64, y: f64) -> CanvasPoint {
        CanvasPoint { x, y }
    }

    fn ids(list: &[&str]) -> Arc<BTreeSet<String>> {
        Arc::new(list.iter().map(|s| s.to_string()).collect())
    }

    /// Runs events from `Idle` with a fixed selection; returns the final gesture and every effect.
    fn run(selection: &Selection, space_held: bool, events: Vec<Event>) -> (Gesture, Vec<Effect>) {
        let context = Context { viewport: VIEW, selection, space_held };
        let mut gesture = Gesture::Idle;
        let mut all = Vec::new();
        for event in events {
            let (next, effects) = step(gesture, event, context);
            gesture = next;
            all.extend(effects);
        }
        (gesture, all)
    }

    #[test]
    fn pan_moves_the_view_by_the_pointer_distance_and_clears_the_selection() {
        let (gesture, effects) = run(
            &Selection::node("a"),
            false,
            vec![
                Event::BackgroundDown { at: at(10.0, 10.0), shift: false },
                Event::Move { at: at(15.0, 30.0) },
                Event::Move { at: at(40.0, 0.0) },
                Event::Up { at: at(40.0, 0.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert_eq!(
            effects,
            vec![
                Effect::Select(Selection::default()),
                Effect::SetViewport(VIEW.panned(5.0, 20.0)),
                Effect::SetViewport(VIEW.panned(30.0, -10.0)),
            ]
        );
    }

    #[test]
    fn space_pans_even_on_a_node_and_keeps_the_selection() {
        let (_, effects) = run(
            &Selection::node("a"),
            true,
            vec![
                Event::NodeDown { id: "a".into(), at: at(0.0, 0.0), additive: false },
                Event::Move { at: at(7.0, 3.0) },
            ],
        );
        assert_eq!(effects, vec![Effect::SetViewport(VIEW.panned(7.0, 3.0))]);
    }

    #[test]
    fn escape_during_a_pan_restores_the_view() {
        let (gesture, effects) = run(
            &Selection::default(),
            false,
            vec![
                Event::BackgroundDown { at: at(0.0, 0.0), shift: false },
                Event::Move { at: at(50.0, 50.0) },
                Event::Escape,
                Event::Move { at: at(80.0, 80.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert_eq!(effects.last(), Some(&Effect::SetViewport(VIEW)));
        assert_eq!(effects.len(), 3, "a move after Escape does nothing: {effects:?}");
    }

    #[test]
    fn a_zoom_during_a_pan_stays_and_the_pan_goes_on_from_it() {
        let (gesture, effects) = run(
            &Selection::default(),
            false,
            vec![Event::BackgroundDown { at: at(0.0, 0.0), shift: false }, Event::Move { at: at(10.0, 0.0) }],
        );
        assert_eq!(effects.last(), Some(&Effect::SetViewport(VIEW.panned(10.0, 0.0))));
        // The zoom reads the view as it is now (the canvas passes the current viewport).
        let panned = VIEW.panned(10.0, 0.0);
        let context = Context { viewport: panned, selection: &Selection::default(), space_held: false };
        let (gesture, effects) = step(gesture, Event::Zoom { at: at(10.0, 0.0), factor: 2.0 }, context);
        let zoomed = panned.zoom_about(at(10.0, 0.0), 2.0);
        assert_eq!(effects, vec![Effect::SetViewport(zoomed)]);
        let context = Context { viewport: zoomed, selection: &Selection::default(), space_held: false };
        let (_, effects) = step(gesture, Event::Move { at: at(15.0, 5.0) }, context);
        assert_eq!(effects, vec![Effect::SetViewport(zoomed.panned(5.0, 5.0))]);
    }

    #[test]
    fn the_wheel_zooms_when_idle_and_not_during_a_drag() {
        let context = Context { viewport: VIEW, selection: &Selection::default(), space_held: false };
        let zoom = Event::Zoom { at: at(50.0, 50.0), factor: 1.25 };
        let (_, effects) = step(Gesture::Idle, zoom.clone(), context);
        assert_eq!(effects, vec![Effect::SetViewport(VIEW.zoom_about(at(50.0, 50.0), 1.25))]);
        let dragging = Gesture::DraggingNodes { start: at(0.0, 0.0), ids: ids(&["a"]) };
        assert_eq!(step(dragging.clone(), zoom, context), (dragging, Vec::new()));
    }

    #[test]
    fn dragging_a_selected_node_moves_the_whole_selection_in_canvas_units() {
        let selection = Selection { nodes: ids(&["a", "b"]).as_ref().clone(), edge: None };
        let (gesture, effects) = run(
            &selection,
            false,
            vec![
                Event::NodeDown { id: "b".into(), at: at(100.0, 100.0), additive: false },
                Event::Move { at: at(110.0, 90.0) },
                Event::Up { at: at(120.0, 80.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert_eq!(
            effects,
            vec![
                Effect::Select(selection),
                Effect::StartDrag(ids(&["a", "b"])),
                Effect::DragOffset(5.0, -5.0),
                Effect::MoveNodes { ids: ids(&["a", "b"]), dx: 10.0, dy: -10.0 },
                Effect::EndDrag,
            ]
        );
    }

    #[test]
    fn pressing_an_unselected_node_selects_it_alone() {
        let (gesture, effects) = run(
            &Selection::node("a"),
            false,
            vec![Event::NodeDown { id: "c".into(), at: at(0.0, 0.0), additive: false }],
        );
        assert_eq!(gesture, Gesture::DraggingNodes { start: at(0.0, 0.0), ids: ids(&["c"]) });
        assert_eq!(effects[0], Effect::Select(Selection::node("c")));
    }

    #[test]
    fn a_click_without_movement_moves_nothing() {
        let (_, effects) = run(
            &Selection::default(),
            false,
            vec![
                Event::NodeDown { id: "a".into(), at: at(10.0, 10.0), additive: false },
                Event::Up { at: at(10.4, 10.4) },
            ],
        );
        assert_eq!(
            effects,
            vec![Effect::Select(Selection::node("a")), Effect::StartDrag(ids(&["a"])), Effect::EndDrag]
        );
    }

    #[test]
    fn an_additive_click_toggles_a_node_and_drags_nothing_when_it_was_removed() {
        let selection = Selection { nodes: ids(&["a", "b"]).as_ref().clone(), edge: None };
        let (gesture, effects) = run(
            &selection,
            false,
            vec![
                Event::NodeDown { id: "b".into(), at: at(0.0, 0.0), additive: true },
                Event::Move { at: at(50.0, 0.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert_eq!(effects, vec![Effect::Select(Selection::node("a"))]);

        let (_, effects) = run(
            &Selection::node("a"),
            false,
            vec![Event::NodeDown { id: "b".into(), at: at(0.0, 0.0), additive: true }],
        );
        assert_eq!(effects[1], Effect::StartDrag(ids(&["a", "b"])));
    }

    #[test]
    fn escape_during_a_drag_ends_the_preview_without_moving() {
        let (gesture, effects) = run(
            &Selection::default(),
            false,
            vec![
                Event::NodeDown { id: "a".into(), at: at(0.0, 0.0), additive: false },
                Event::Move { at: at(40.0, 40.0) },
                Event::Escape,
                Event::Up { at: at(40.0, 40.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert_eq!(effects.last(), Some(&Effect::EndDrag));
        assert!(!effects.iter().any(|e| matches!(e, Effect::MoveNodes { .. })), "{effects:?}");
    }

    #[test]
    fn connecting_draws_a_line_and_connects_where_the_pointer_is_released() {
        let (gesture, effects) = run(
            &Selection::default(),
            false,
            vec![
                Event::PortDown { from: "menu".into(), port: "digit_1".into(), at: at(100.0, 50.0) },
                Event::Move { at: at(120.0, 70.0) },
                Event::Up { at: at(300.0, 250.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert_eq!(
            effects,
            vec![
                Effect::ConnectLine(Some((canvas(0.0, 0.0), canvas(0.0, 0.0)))),
                Effect::ConnectLine(Some((canvas(0.0, 0.0), canvas(10.0, 10.0)))),
                Effect::ConnectLine(None),
                Effect::Connect { from: "menu".into(), port: "digit_1".into(), at: canvas(100.0, 100.0) },
            ]
        );
    }

    #[test]
    fn a_click_on_a_port_connects_nothing() {
        let (gesture, effects) = run(
            &Selection::default(),
            false,
            vec![
                Event::PortDown { from: "menu".into(), port: "digit_1".into(), at: at(100.0, 50.0) },
                Event::Move { at: at(102.0, 51.0) },
                Event::Up { at: at(102.0, 51.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert!(!effects.iter().any(|e| matches!(e, Effect::Connect { .. })), "{effects:?}");
        assert_eq!(effects.last(), Some(&Effect::ConnectLine(None)));
    }

    #[test]
    fn escape_during_a_connection_connects_nothing() {
        let (gesture, effects) = run(
            &Selection::default(),
            false,
            vec![
                Event::PortDown { from: "a".into(), port: "default".into(), at: at(0.0, 0.0) },
                Event::Escape,
                Event::Up { at: at(300.0, 250.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert_eq!(effects.last(), Some(&Effect::ConnectLine(None)));
        assert!(!effects.iter().any(|e| matches!(e, Effect::Connect { .. })), "{effects:?}");
    }

    #[test]
    fn shift_drag_on_the_background_selects_the_area_and_keeps_the_selection() {
        let (gesture, effects) = run(
            &Selection::node("a"),
            false,
            vec![
                Event::BackgroundDown { at: at(100.0, 50.0), shift: true },
                Event::Move { at: at(140.0, 90.0) },
                Event::Up { at: at(300.0, 250.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert_eq!(
            effects,
            vec![
                Effect::MarqueeBox(Some((canvas(0.0, 0.0), canvas(0.0, 0.0)))),
                Effect::MarqueeBox(Some((canvas(0.0, 0.0), canvas(20.0, 20.0)))),
                Effect::MarqueeBox(None),
                Effect::SelectArea(canvas(0.0, 0.0), canvas(100.0, 100.0)),
            ]
        );
    }

    #[test]
    fn escape_during_a_marquee_selects_nothing() {
        let (gesture, effects) = run(
            &Selection::default(),
            false,
            vec![
                Event::BackgroundDown { at: at(0.0, 0.0), shift: true },
                Event::Escape,
                Event::Up { at: at(9.0, 9.0) },
            ],
        );
        assert_eq!(gesture, Gesture::Idle);
        assert_eq!(
            effects,
            vec![Effect::MarqueeBox(Some((canvas(-50.0, -25.0), canvas(-50.0, -25.0)))), Effect::MarqueeBox(None)]
        );
    }

    #[test]
    fn a_second_press_during_a_gesture_changes_nothing() {
        let context = Context { viewport: VIEW, selection: &Selection::default(), space_held: false };
        let panning = Gesture::Panning { start: at(0.0, 0.0), origin: VIEW };
        let (gesture, effects) =
            step(panning.clone(), Event::NodeDown { id: "a".into(), at: at(1.0, 1.0), additive: false }, context);
        assert_eq!((gesture, effects), (panning, Vec::new()));
        let (gesture, effects) = step(Gesture::Idle, Event::Move { at: at(1.0, 1.0) }, context);
        assert_eq!((gesture, effects), (Gesture::Idle, Vec::new()));
    }
}
