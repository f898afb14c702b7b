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
    /// An Archy file on its way through the import worker (it opens, or says why not, when done).
    Importing,
    Converted,
    SentToDoctor,
    Refused(String),
}

pub fn import_text(studio: Studio, dock: RwSignal<DockTab>, doctor_text: RwSignal<String>, text: &str) -> Imported {
    import_text_then(studio, dock, doctor_text, text, None)
}

/// [`import_text`], running `opened` once a flow has opened (an Archy import opens later).
pub fn import_text_then(
    studio: Studio,
    dock: RwSignal<DockTab>,
    doctor_text: RwSignal<String>,
    text: &str,
    opened: Option<Box<dyn FnOnce()>>,
) -> Imported {
    if callflow_core::import::looks_like_archy(text) {
        return import_archy(studio, text, opened);
    }
    let result = import_document(studio, dock, doctor_text, text);
    if result == Imported::Opened {
        if let Some(opened) = opened {
            opened();
        }
    }
    result
}

fn import_document(studio: Studio, dock: RwSignal<DockTab>, doctor_text: RwSignal<String>, text: &str) -> Imported {
    if callflow_core::project::looks_like_project(text) {
        return match callflow_core::parse_project(text) {
            Ok(project) => {
                let count = project.flows.len();
                studio.replace_project(project, storage::fresh_id());
                studio.tell(format!("Opened the project: {count} flows and modules, listed on the left."));
                Imported::Opened
            }
            Err(finding) => {
                let place = finding.field.map(|f| format!(" at {f}")).unwrap_or_default();
                let message = format!("Nothing was opened{place}: {}. Your work is unchanged.", finding.message);
                studio.tell_error(message.clone());
                Imported::Refused(message)
            }
        };
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

/// An Archy YAML flow: imported in the import worker (the YAML parser is not in the first load);
/// it opens as a new flow when it imports whole, else nothing changes. `opened` runs after it opens.
fn import_archy(studio: Studio, text: &str, opened: Option<Box<dyn FnOnce()>>) -> Imported {
    studio.tell("Importing the Archy flow…");
    crate::worker::ask(serde_json::json!({ "import": text }), move |answer| {
        let document = answer["document"].as_str().map(callflow_core::parse);
        match document {
            Some(Ok(document)) => {
                let kept = document.flow.nodes.iter().filter(|n| n.kind() == callflow_core::NodeKind::Archy).count();
                let mut message = format!(
                    "Imported the Archy flow \"{}\": {} steps, {kept} of them kept exactly as written (export gives them back unchanged).",
                    document.flow.name,
                    document.flow.nodes.len()
                );
                for note in answer["notes"].as_array().into_iter().flatten().filter_map(|n| n.as_str()) {
                    message.push(' ');
                    message.push_str(note);
                    message.push('.');
                }
                studio.replace_document(document, storage::fresh_id());
                studio.tell(message);
                if let Some(opened) = opened {
                    opened();
                }
            }
            _ => {
                let reason = answer["error"].as_str().unwrap_or("the import worker gave no answer");
                studio.tell_error(format!("Nothing was imported: {reason}. Your flow is unchanged."));
            }
        }
    });
    Imported::Importing
}
