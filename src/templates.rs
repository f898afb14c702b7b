//! The flow templates bundled into the app (the same files are served from /templates/ and used by
//! the core's golden tests), so the app works offline with no account.

/// A bundled template: file name, title, and the document text.
pub struct Template {
    pub file: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

pub const TEMPLATES: [Template; 6] = [
    Template {
        file: "seed-002-verify-then-queue.flow.json",
        title: "Verify the caller with a common module, then queue",
        text: include_str!("../public/templates/seed-002-verify-then-queue.flow.json"),
    },
    Template {
        file: "business-hours-menu.flow.json",
        title: "Business hours and a menu",
        text: include_str!("../public/templates/business-hours-menu.flow.json"),
    },
    Template {
        file: "data-action-lookup.flow.json",
        title: "Data action lookup with success, failure and timeout",
        text: include_str!("../public/templates/data-action-lookup.flow.json"),
    },
    Template {
        file: "three-modules.flow.json",
        title: "A flow calling three common modules",
        text: include_str!("../public/templates/three-modules.flow.json"),
    },
    Template {
        file: "every-step.flow.json",
        title: "Every kind of step (reference IVR)",
        text: include_str!("../public/templates/every-step.flow.json"),
    },
    Template {
        file: "verify-caller-workshop.project.json",
        title: "Project: one Verify Caller module, called from Support and Billing",
        text: include_str!("../public/templates/verify-caller-workshop.project.json"),
    },
];
