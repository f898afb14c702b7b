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

    /// Undoes the last edit; false when there is nothing to undo.
    pub fn undo(&mut self, document: &mut Document) -> bool {
        Self::step(&mut self.undo, &mut self.redo, document)
    }

    /// Redoes the last undone edit; false when there is nothing to redo.
    pub fn redo(&mut self, document: &mut Document) -> bool {
        Self::step(&mut self.redo, &mut self.undo, document)
    }

    fn step(from: &mut Vec<Command>, to: &mut Vec<Command>, document: &mut Document) -> bool {
        let Some(command) = from.pop() else { return false };
        match apply(document, &command) {
            Ok(inverse) => {
                to.push(inverse);
                true
            }
            // Invariant: a stored inverse applies to the state it was made for. Should it not, drop
            // the history rather than the document.
            Err(_) => {
                from.clear();
                to.clear();
                false
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
        assert!(history.undo(&mut document) && history.undo(&mut document));
        assert_eq!(document, original);
        assert!(!history.undo(&mut document));
        assert!(history.redo(&mut document) && history.redo(&mut document));
        assert_eq!(document, edited);
        assert!(!history.can_redo());
    }
}
