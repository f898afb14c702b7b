//! Undo and redo as two stacks of steps: every edit is a core `Command`, and applying one yields
//! the command that undoes it. In a project the history is one for all its flows: each step
//! remembers the flow it edited (`Studio` opens that flow before it undoes the step), and an edit
//! of the project's set of flows (add, rename, duplicate, delete) is a step holding the project as
//! it was before it.

use callflow_core::command::{apply, Command, CommandError};
use callflow_core::{Document, Project};

/// One step of the history.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A command on the flow at this position of the project.
    Flow(usize, Command),
    /// The whole project to put back, and the flow that was open with it.
    Project(Box<Project>, usize),
}

/// Which stack a step comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Undo,
    Redo,
}

#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Entry>,
    redo: Vec<Entry>,
}

impl History {
    /// Applies a new edit of flow `flow`: one undo step. Redo is cleared, as in every editor.
    pub fn apply(&mut self, flow: usize, document: &mut Document, command: &Command) -> Result<(), CommandError> {
        let inverse = apply(document, command)?;
        self.undo.push(Entry::Flow(flow, inverse));
        self.redo.clear();
        Ok(())
    }

    /// Records an edit of the project's set of flows: `before` is the project as it was, with the
    /// flow that was open.
    pub fn push_project(&mut self, before: Project, active: usize) {
        self.undo.push(Entry::Project(Box::new(before), active));
        self.redo.clear();
    }

    /// The step undo or redo would take next.
    pub fn peek(&self, direction: Direction) -> Option<&Entry> {
        match direction {
            Direction::Undo => self.undo.last(),
            Direction::Redo => self.redo.last(),
        }
    }

    /// Takes a flow step (the caller has opened its flow in `document`) and returns the command it
    /// applied; `None` when the next step is not a flow step or there is none.
    pub fn step_flow(&mut self, direction: Direction, document: &mut Document) -> Option<Command> {
        let (from, to) = self.stacks(direction);
        let Some(Entry::Flow(flow, command)) = from.last().cloned() else { return None };
        from.pop();
        match apply(document, &command) {
            Ok(inverse) => {
                to.push(Entry::Flow(flow, inverse));
                Some(command)
            }
            // Invariant: a stored inverse applies to the state it was made for. Should it not, drop
            // the history rather than the document.
            Err(_) => {
                from.clear();
                to.clear();
                None
            }
        }
    }

    /// Takes a project step: returns the project (and open flow) to put back, keeping `current`
    /// (and its open flow) for the other direction.
    pub fn step_project(&mut self, direction: Direction, current: Project, active: usize) -> Option<(Project, usize)> {
        let (from, to) = self.stacks(direction);
        let Some(Entry::Project(..)) = from.last() else { return None };
        let Some(Entry::Project(project, open)) = from.pop() else { return None };
        to.push(Entry::Project(Box::new(current), active));
        Some((*project, open))
    }

    fn stacks(&mut self, direction: Direction) -> (&mut Vec<Entry>, &mut Vec<Entry>) {
        match direction {
            Direction::Undo => (&mut self.undo, &mut self.redo),
            Direction::Redo => (&mut self.redo, &mut self.undo),
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Forgets every step (a new document was opened).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callflow_core::document::{Node, NodeKind};

    #[test]
    fn undo_and_redo_walk_the_same_states() {
        let mut document = Document::empty("t");
        let original = document.clone();
        let mut history = History::default();
        history
            .apply(0, &mut document, &Command::AddNode { node: Node::new("bye", NodeKind::Disconnect, 300.0, 0.0) })
            .unwrap();
        history
            .apply(0, &mut document, &Command::Connect { from: "start".into(), port: "next".into(), to: "bye".into() })
            .unwrap();
        let edited = document.clone();
        let undo = |h: &mut History, d: &mut Document| h.step_flow(Direction::Undo, d);
        let redo = |h: &mut History, d: &mut Document| h.step_flow(Direction::Redo, d);
        assert!(undo(&mut history, &mut document).is_some() && undo(&mut history, &mut document).is_some());
        assert_eq!(document, original);
        assert!(undo(&mut history, &mut document).is_none());
        assert!(redo(&mut history, &mut document).is_some() && redo(&mut history, &mut document).is_some());
        assert_eq!(document, edited);
        assert!(!history.can_redo());
    }

    #[test]
    fn moves_do_not_affect_validation() {
        let moves = Command::MoveNodes { moves: Vec::new() };
        assert!(!moves.affects_validation());
        assert!(!Command::Batch { commands: vec![moves.clone()] }.affects_validation());
        let rename = Command::RenameNode { from: "a".into(), to: "b".into() };
        assert!(Command::Batch { commands: vec![moves, rename] }.affects_validation());
    }
}
