//! The doctor: paste any payload, read what the real API expects, copy the corrected payload.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::clipboard;

#[component]
pub fn DoctorPanel(text: RwSignal<String>) -> impl IntoView {
    let answer =
        Memo::new(move |_| text.with(|t| if t.trim().is_empty() { None } else { Some(callflow_core::doctor(t)) }));
    let copied = RwSignal::new(false);
    view! {
        <section class="cf-doctor" aria-label="Payload doctor" data-testid="doctor">
            <div class="cf-doctor__input">
                <textarea class="cf-field__input cf-doctor__text" data-testid="doctor-input" spellcheck="false"
                    placeholder="Paste a flow execution request, a data action body, or a tutorial's node/edge graph"
                    aria-label="Payload to explain"
                    prop:value=move || text.get()
                    on:input:target=move |ev| { text.set(ev.target().value()); copied.set(false); }></textarea>
            </div>
            <div class="cf-doctor__answer">
                {move || answer.get().map(|answer| view! {
                    <ul class="cf-problems__list">
                        {answer.report.diagnostics.iter().map(|d| {
                            let severity = if d.is_error() { "error" } else { "warning" };
                            view! {
                                <li class=format!("cf-problem cf-problem--{severity}") data-testid="doctor-finding" data-code=d.code.as_str()>
                                    <span class="cf-problem__code">{d.code.as_str()}</span>
                                    <span class="cf-problem__place">{d.field.as_deref().map(str::to_owned)}</span>
                                    <span class="cf-problem__message">{d.message.clone()}</span>
                                    {d.hint.as_deref().map(str::to_owned).map(|h| view! { <span class="cf-problem__hint">{h}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {answer.report.diagnostics.is_empty().then(|| view! { <p>"Nothing to fix: this payload matches what the API expects."</p> })}
                    {answer.fixed.map(|fixed| {
                        let pretty = serde_json::to_string_pretty(&fixed).unwrap_or_default();
                        let for_copy = pretty.clone();
                        view! {
                            <h3 class="cf-section-title">"Corrected payload"</h3>
                            <button class="cf-button" data-testid="doctor-copy" on:click=move |_| {
                                let text = for_copy.clone();
                                spawn_local(async move { copied.set(clipboard::write_text(text).await.is_ok()); });
                            }>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
                            <pre class="cf-export__text" data-testid="doctor-fixed" tabindex="0">{pretty}</pre>
                        }
                    })}
                })}
            </div>
        </section>
    }
}
