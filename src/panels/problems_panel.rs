//! The problems panel: every finding of the core, errors first. Clicking one selects its node (or
//! edge) and centres it; the field's own message also shows in the inspector.

use callflow_core::diagnostic::{Diagnostic, Severity};
use leptos::prelude::*;

use crate::canvas::geometry::NODE_WIDTH;
use crate::state::viewport::{CanvasPoint, ScreenPoint, Viewport};
use crate::state::{use_studio, Selection, Studio};

#[component]
pub fn ProblemsPanel() -> impl IntoView {
    let studio = use_studio();
    let findings = studio.findings;
    // In a project: the open flow's findings, then the other flows' and the project's own (each
    // names its flow; clicking one opens that flow).
    let sorted = move || {
        let mut list = findings.get();
        list.sort_by_key(|finding| finding.severity);
        let mut others = studio.other_findings.get();
        others.sort_by_key(|finding| finding.severity);
        list.extend(others);
        list
    };
    let summary = move || {
        let (errors, total) = findings.with(|list| (list.iter().filter(|f| f.is_error()).count(), list.len()));
        let (other_errors, other_total) =
            studio.other_findings.with(|list| (list.iter().filter(|f| f.is_error()).count(), list.len()));
        let (errors, warnings) = (errors + other_errors, total + other_total - errors - other_errors);
        match (errors, warnings) {
            (0, 0) => "No problems: ready to export.".to_owned(),
            _ => format!("{errors} error(s), {warnings} warning(s)"),
        }
    };
    view! {
        <section class="cf-problems" aria-label="Problems" data-testid="problems">
            <p class="cf-problems__summary" data-testid="problems-summary" role="status"
                >{summary}</p>
            <ul class="cf-problems__list">
                {move || sorted().into_iter().map(|finding| problem_row(studio, finding)).collect_view()}
            </ul>
        </section>
    }
}

fn problem_row(studio: Studio, finding: Diagnostic) -> impl IntoView {
    let severity = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let place = [
        finding.flow.as_deref().map(|f| format!("in \"{f}\"")),
        finding.node.clone().map(|n| format!("node {n}")),
        finding.edge.map(|e| format!("edge {e}")),
        finding.field.as_deref().map(str::to_owned),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let target = (finding.node.clone(), finding.edge);
    let flow = finding.flow.as_deref().map(str::to_owned);
    let (open, open_key) = (flow.clone(), flow.clone());
    view! {
        <li
            class=format!("cf-problem cf-problem--{severity}")
            data-testid="problem"
            data-code=finding.code.as_str()
            data-severity=severity
            data-node-id=finding.node.clone()
            data-flow=flow
            tabindex="0"
            role="button"
            on:click=move |_| { open_flow_of(studio, open.as_deref()); reveal(studio, &target) }
            on:keydown=move |ev| if ev.key() == "Enter" {
                open_flow_of(studio, open_key.as_deref());
                reveal(studio, &(finding.node.clone(), finding.edge))
            }
        >
            <span class="cf-problem__code">{finding.code.as_str()}</span>
            <span class="cf-problem__place">{place}</span>
            <span class="cf-problem__message">{finding.message.clone()}</span>
            {finding.hint.as_deref().map(str::to_owned).map(|hint| view! { <span class="cf-problem__hint">{hint}</span> })}
        </li>
    }
}

/// Opens the flow a project finding is in, when it is not the open one.
fn open_flow_of(studio: Studio, flow: Option<&str>) {
    let Some(name) = flow else { return };
    let target = studio
        .outline
        .with_untracked(|o| o.flows.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)).filter(|&i| i != o.active));
    if let Some(index) = target {
        studio.open_flow(index);
    }
}

/// Selects the finding's node (or edge) and centres the view on it.
pub fn reveal(studio: Studio, target: &(Option<String>, Option<usize>)) {
    let (node, edge) = target;
    let position = studio.document.with_untracked(|d| {
        let id = node.clone().or_else(|| edge.and_then(|e| d.flow.edges.get(e)).map(|e| e.from.clone()))?;
        d.flow.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y))
    });
    match (node, edge) {
        (Some(id), _) => studio.selection.set(Selection::node(id)),
        (None, Some(index)) => studio.selection.set(Selection::edge(*index)),
        _ => return,
    }
    if let Some((x, y)) = position {
        let size = canvas_size();
        studio.viewport.update(|v| {
            let centre = CanvasPoint { x: x + NODE_WIDTH / 2.0, y: y + 30.0 };
            *v = Viewport::centred(centre, ScreenPoint { x: size.x / 2.0, y: size.y / 2.0 }, v.zoom);
        });
    }
}

fn canvas_size() -> ScreenPoint {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".cf-canvas").ok().flatten())
        .map(|e| {
            let rect = e.get_bounding_client_rect();
            ScreenPoint { x: rect.width(), y: rect.height() }
        })
        .unwrap_or(ScreenPoint { x: 800.0, y: 500.0 })
}
