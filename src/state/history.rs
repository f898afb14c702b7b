//! Undo and redo as two stacks of commands: every edit is a core `Command`, and applying one yields
//! the command that undoes it.

use callflow_core::command::{apply, Command, CommandError};
use callflow_core::Document;

#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Command>,
    redo: Vec<Command>,
}

impl History {
    /// Applies a new edit: one undo step. Redo is cleared, as in every editor.
    pub fn apply(&mut self, document: &mut Document, command: &Command) -> Result<(), CommandError> {
        let inverse = apply(document, command)?;
        self.undo.push(inverse);
        self.redo.clear();
        Ok(())
    }

    /// Undoes the last edit and returns the command it applied; `None` when there is nothing to undo.
    pub fn undo(&mut self, document: &mut Document) -> Option<Command> {
        Self::step(&mut self.undo, &mut self.redo, document)
    }

    /// Redoes the last undone edit and returns the command it applied.
    pub fn redo(&mut self, document: &mut Document) -> Option<Command> {
        Self::step(&mut self.redo, &mut self.undo, document)
    }

    fn step(from: &mut Vec<Command>, to: &mut Vec<Command>, document: &mut Document) -> Option<Command> {
        let command = from.pop()?;
        match apply(document, &command) {
            Ok(inverse) => {
                to.push(inverse);
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
            .apply(&mut document, &Command::AddNode { node: Node::new("bye", NodeKind::Disconnect, 300.0, 0.0) })
            .unwrap();
        history
            .apply(&mut document, &Command::Connect { from: "start".into(), port: "next".into(), to: "bye".into() })
            .unwrap();
        let edited = document.clone();
        assert!(history.undo(&mut document).is_some() && history.undo(&mut document).is_some());
        assert_eq!(document, original);
        assert!(history.undo(&mut document).is_none());
        assert!(history.redo(&mut document).is_some() && history.redo(&mut document).is_some());
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
