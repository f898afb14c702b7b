//! The problems panel: every finding of the core, errors first, with code, message and hint.

use callflow_core::diagnostic::{Diagnostic, Severity};
use leptos::prelude::*;

#[component]
pub fn ProblemsPanel(findings: Memo<Vec<Diagnostic>>) -> impl IntoView {
    let sorted = move || {
        let mut list = findings.get();
        list.sort_by_key(|finding| finding.severity);
        list
    };
    let summary = move || {
        findings.with(|list| {
            let errors = list.iter().filter(|f| f.is_error()).count();
            let warnings = list.len() - errors;
            match (errors, warnings) {
                (0, 0) => "No problems: ready to export.".to_owned(),
                _ => format!("{errors} error(s), {warnings} warning(s)"),
            }
        })
    };
    view! {
        <section class="cf-problems" aria-label="Problems" data-testid="problems">
            <h2 class="cf-section-title">"Problems"</h2>
            <p class="cf-problems__summary" data-testid="problems-summary" role="status">{summary}</p>
            <ul class="cf-problems__list">
                {move || {
                    sorted()
                        .into_iter()
                        .map(|finding| {
                            let severity = match finding.severity {
                                Severity::Error => "error",
                                Severity::Warning => "warning",
                            };
                            let place = [
                                finding.node.clone().map(|n| format!("node {n}")),
                                finding.edge.map(|e| format!("edge {e}")),
                                finding.field.clone(),
                            ]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" · ");
                            view! {
                                <li
                                    class=format!("cf-problem cf-problem--{severity}")
                                    data-testid="problem"
                                    data-code=finding.code.as_str()
                                    data-severity=severity
                                    data-node-id=finding.node.clone()
                                >
                                    <span class="cf-problem__code">{finding.code.as_str()}</span>
                                    <span class="cf-problem__place">{place}</span>
                                    <span class="cf-problem__message">{finding.message.clone()}</span>
                                    {finding.hint.clone().map(|hint| view! { <span class="cf-problem__hint">{hint}</span> })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}
