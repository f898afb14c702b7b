//! Opening text the user brought (a file, a paste, a drop): never destructive. A v1 document opens;
//! an Archy YAML flow is imported; a tutorial graph opens through the doctor's conversion; anything
//! else goes to the doctor, and the current flow stays as it was.

use callflow_core::doctor::PayloadKind;
use leptos::prelude::*;

use crate::state::{storage, Studio};
use crate::DockTab;

/// What happened, for tests and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Opened,
    Converted,
    SentToDoctor,
    Refused(String),
}

pub fn import_text(studio: Studio, dock: RwSignal<DockTab>, doctor_text: RwSignal<String>, text: &str) -> Imported {
    if callflow_core::import::looks_like_archy(text) {
        return import_archy(studio, text);
    }
    match callflow_core::parse(text) {
        Ok(document) => {
            studio.replace_document(document, storage::fresh_id());
            studio.tell("Opened the flow.");
            Imported::Opened
        }
        Err(finding) => {
            let answer = callflow_core::doctor(text);
            match answer.kind {
                PayloadKind::TutorialGraph => {
                    if let Some(document) =
                        answer.fixed.as_ref().and_then(|fixed| serde_json::from_value(fixed.clone()).ok())
                    {
                        studio.replace_document(document, storage::fresh_id());
                        doctor_text.set(text.to_owned());
                        studio.tell("Converted a tutorial node/edge graph into a flow document: see the doctor for what changed, and the problems panel for what is left to fix.");
                        return Imported::Converted;
                    }
                }
                PayloadKind::NotJson => {
                    let message = format!("Nothing was opened: {}. Your flow is unchanged.", finding.message);
                    studio.tell_error(message.clone());
                    return Imported::Refused(message);
                }
                PayloadKind::FlowDocument => {
                    let place = finding.field.map(|f| format!(" at {f}")).unwrap_or_default();
                    let message = format!("Nothing was opened{place}: {}. Your flow is unchanged.", finding.message);
                    studio.tell_error(message.clone());
                    return Imported::Refused(message);
                }
                _ => {}
            }
            doctor_text.set(text.to_owned());
            dock.set(DockTab::Doctor);
            studio.tell_error("That is not a flow document: the doctor explains what it is. Your flow is unchanged.");
            Imported::SentToDoctor
        }
    }
}

/// An Archy YAML flow: opens as a new flow when it imports whole, else nothing changes.
fn import_archy(studio: Studio, text: &str) -> Imported {
    match callflow_core::import::import_archy(text) {
        Ok(imported) => {
            let flow = &imported.document.flow;
            let kept = flow.nodes.iter().filter(|n| n.kind() == callflow_core::NodeKind::Archy).count();
            let mut message = format!(
                "Imported the Archy flow \"{}\": {} steps, {kept} of them kept exactly as written (export gives them back unchanged).",
                flow.name,
                flow.nodes.len()
            );
            for note in &imported.notes {
                message.push(' ');
                message.push_str(note);
                message.push('.');
            }
            studio.replace_document(imported.document, storage::fresh_id());
            studio.tell(message);
            Imported::Opened
        }
        Err(finding) => {
            let message = format!("Nothing was imported: {}. Your flow is unchanged.", finding.message);
            studio.tell_error(message.clone());
            Imported::Refused(message)
        }
    }
}
