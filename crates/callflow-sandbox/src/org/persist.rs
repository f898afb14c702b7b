//! Persistence: with a data directory, published flows are kept in `flows.json` so a workshop
//! survives a restart. Anything else lives in memory only.

use std::path::PathBuf;

use super::{FlowRecord, Org};

impl Org {
    fn state_file(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(|dir| dir.join("flows.json"))
    }

    /// Replaces the seeded flows with the saved ones, if there are any; an unreadable file is
    /// ignored with a note on stderr.
    pub(super) fn load(&mut self) {
        let Some(path) = self.state_file() else { return };
        if let Ok(text) = std::fs::read_to_string(&path) {
            match serde_json::from_str::<Vec<FlowRecord>>(&text) {
                Ok(flows) => self.flows = flows,
                Err(error) => eprintln!("callflow-sandbox: ignoring {}: {error}", path.display()),
            }
        }
    }

    /// Writes the flows through a temporary file and a rename, so a crash never leaves half a file.
    pub(super) fn save(&self) {
        let Some(path) = self.state_file() else { return };
        let text = serde_json::to_string_pretty(&self.flows).unwrap_or_default();
        let temporary = path.with_extension("json.tmp");
        let written = std::fs::create_dir_all(path.parent().unwrap_or(&path))
            .and_then(|()| std::fs::write(&temporary, text))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(error) = written {
            eprintln!("callflow-sandbox: cannot save {}: {error}", path.display());
        }
    }
}
