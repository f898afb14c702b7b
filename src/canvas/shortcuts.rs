//! Keyboard shortcuts: which key does what where ([`shortcut`], pure and tested natively), and
//! carrying it out on the studio ([`run`]).

use callflow_core::command::{Command, NodeMove};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::geometry::GRID;
use crate::state::{Selection, Studio};

/// Where a key was pressed, which decides which shortcuts apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    /// A text field or list: every key keeps its usual meaning.
    Field,
    /// The canvas or the page itself: every shortcut applies.
    Canvas,
    /// Elsewhere (a toolbar button, a panel): undo and redo apply; copy, paste, select all, delete
    /// and arrows keep their usual meaning there (selecting export text, say).
    Elsewhere,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shortcut {
    Undo,
    Redo,
    SelectAll,
    Copy,
    Paste,
    Duplicate,
    Delete,
    /// Move the selected nodes by this canvas distance.
    Nudge(f64, f64),
    /// Ctrl+F: find nodes by label, id, module, queue or prompt.
    Find,
    /// `?`: the sheet of every shortcut.
    Help,
}

/// Every shortcut, as the `?` sheet lists it: (keys, what it does).
pub const SHEET: &[(&str, &str)] = &[
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z, Ctrl+Y", "Redo"),
    ("Ctrl+A", "Select every node"),
    ("Ctrl+C / Ctrl+V", "Copy / paste the selection (edges inside it too)"),
    ("Ctrl+D", "Duplicate the selection"),
    ("Delete, Backspace", "Delete the selection"),
    ("Arrows (Shift: by 1)", "Move the selection one grid step"),
    ("Ctrl+F", "Find nodes by label, id, module, queue or prompt; Enter / Shift+Enter step through"),
    ("?", "This sheet"),
    ("Escape", "Cancel a gesture; close find or this sheet"),
    ("Tab / Enter", "Move between nodes / open the inspector"),
    ("Space + drag, or drag the background", "Pan"),
    ("Shift + drag on the background", "Select with a box"),
    ("Wheel", "Zoom at the cursor"),
    ("Present: → ↓ Space Enter / ← ↑ Backspace", "Next / previous step (the flow, or the simulated call)"),
    ("Present: Home / End", "First / last step"),
    ("Present: Escape", "Leave presentation mode"),
];

/// The shortcut for `key` (the DOM `KeyboardEvent.key`) with Ctrl/Cmd (`command`) and Shift, pressed
/// at `place`; `None` leaves the key to the browser.
pub fn shortcut(key: &str, command: bool, shift: bool, place: KeyPlace) -> Option<Shortcut> {
    if place == KeyPlace::Field {
        return None;
    }
    let found = match (command, key) {
        (true, "f") => Shortcut::Find,
        (false, "?") => Shortcut::Help,
        (true, "z" | "Z") if shift => Shortcut::Redo,
        (true, "z") => Shortcut::Undo,
        (true, "y") => Shortcut::Redo,
        _ if place != KeyPlace::Canvas => return None,
        (true, "a") => Shortcut::SelectAll,
        (true, "c") => Shortcut::Copy,
        (true, "v") => Shortcut::Paste,
        (true, "d") => Shortcut::Duplicate,
        (false, "Delete" | "Backspace") => Shortcut::Delete,
        (false, "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") => {
            // Shift nudges by one unit for fine placement; plain arrows by one grid step.
            let step = if shift { 1.0 } else { GRID };
            match key {
                "ArrowLeft" => Shortcut::Nudge(-step, 0.0),
                "ArrowRight" => Shortcut::Nudge(step, 0.0),
                "ArrowUp" => Shortcut::Nudge(0.0, -step),
                _ => Shortcut::Nudge(0.0, step),
            }
        }
        _ => return None,
    };
    Some(found)
}

/// Where a keyboard event happened.
pub fn key_place(ev: &KeyboardEvent) -> KeyPlace {
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

/// Carries out a shortcut. Returns false when it did nothing and the browser's own behaviour should
/// happen instead (copy with nothing selected, paste with nothing copied here: the browser's paste
/// then imports pasted JSON, see `App`).
pub fn run(studio: Studio, shortcut: Shortcut) -> bool {
    match shortcut {
        Shortcut::Undo => studio.undo(),
        Shortcut::Redo => studio.redo(),
        Shortcut::SelectAll => {
            let all = studio.document.with_untracked(|d| d.flow.nodes.iter().map(|n| n.id.clone()).collect());
            studio.selection.set(Selection { nodes: all, edge: None });
        }
        Shortcut::Copy => return crate::clipboard::copy_selection(studio),
        Shortcut::Paste => return crate::clipboard::paste(studio),
        Shortcut::Duplicate => {
            crate::clipboard::copy_selection(studio);
            crate::clipboard::paste(studio);
        }
        Shortcut::Delete => delete_selection(studio),
        Shortcut::Find => studio.overlay.set(crate::state::Overlay::Find),
        Shortcut::Help => studio.overlay.set(crate::state::Overlay::Help),
        Shortcut::Nudge(dx, dy) => {
            let ids = studio.selection.with_untracked(|s| s.nodes.clone());
            if ids.is_empty() {
                return false;
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
    }
    true
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_field_keeps_every_key() {
        for (key, command) in [("z", true), ("a", true), ("Delete", false), ("ArrowLeft", false)] {
            assert_eq!(shortcut(key, command, false, KeyPlace::Field), None, "{key}");
        }
    }

    #[test]
    fn undo_and_redo_work_everywhere_but_fields() {
        for place in [KeyPlace::Canvas, KeyPlace::Elsewhere] {
            assert_eq!(shortcut("z", true, false, place), Some(Shortcut::Undo));
            assert_eq!(shortcut("Z", true, true, place), Some(Shortcut::Redo));
            assert_eq!(shortcut("z", true, true, place), Some(Shortcut::Redo));
            assert_eq!(shortcut("y", true, false, place), Some(Shortcut::Redo));
        }
    }

    #[test]
    fn find_and_the_sheet_open_everywhere_but_fields() {
        for place in [KeyPlace::Canvas, KeyPlace::Elsewhere] {
            assert_eq!(shortcut("f", true, false, place), Some(Shortcut::Find));
            assert_eq!(shortcut("?", false, true, place), Some(Shortcut::Help));
        }
        assert_eq!(shortcut("f", true, false, KeyPlace::Field), None, "the browser's own find in a field");
        assert_eq!(shortcut("?", false, true, KeyPlace::Field), None, "a ? typed into a field");
        assert!(SHEET.iter().any(|(keys, _)| keys.contains("Ctrl+F")), "the sheet lists find");
    }

    #[test]
    fn editing_shortcuts_apply_only_on_the_canvas() {
        let cases = [
            ("a", true, Shortcut::SelectAll),
            ("c", true, Shortcut::Copy),
            ("v", true, Shortcut::Paste),
            ("d", true, Shortcut::Duplicate),
            ("Delete", false, Shortcut::Delete),
            ("Backspace", false, Shortcut::Delete),
        ];
        for (key, command, expected) in cases {
            assert_eq!(shortcut(key, command, false, KeyPlace::Canvas), Some(expected), "{key}");
            assert_eq!(shortcut(key, command, false, KeyPlace::Elsewhere), None, "{key}");
        }
    }

    #[test]
    fn arrows_nudge_by_a_grid_step_or_by_one_with_shift() {
        assert_eq!(shortcut("ArrowLeft", false, false, KeyPlace::Canvas), Some(Shortcut::Nudge(-GRID, 0.0)));
        assert_eq!(shortcut("ArrowDown", false, false, KeyPlace::Canvas), Some(Shortcut::Nudge(0.0, GRID)));
        assert_eq!(shortcut("ArrowUp", false, true, KeyPlace::Canvas), Some(Shortcut::Nudge(0.0, -1.0)));
        assert_eq!(shortcut("ArrowRight", false, true, KeyPlace::Canvas), Some(Shortcut::Nudge(1.0, 0.0)));
        assert_eq!(shortcut("ArrowRight", true, false, KeyPlace::Canvas), None);
    }

    #[test]
    fn other_keys_are_left_to_the_browser() {
        assert_eq!(shortcut("x", true, false, KeyPlace::Canvas), None);
        assert_eq!(shortcut("a", false, false, KeyPlace::Canvas), None);
    }
}
