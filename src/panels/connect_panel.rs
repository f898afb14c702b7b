//! The org connection: region (every Genesys Cloud region, or the local sandbox), OAuth client id
//! and redirect URI, then Sign in (Authorization Code + PKCE); once signed in, who and where, and
//! Sign out.

use callflow_deploy::region::REGIONS;
use leptos::prelude::*;

use crate::deploy::{fetch, use_connection, LOCAL_REGION};

#[component]
pub fn ConnectPanel() -> impl IntoView {
    let connection = use_connection();
    let settings = connection.settings;
    let edit = move |change: &dyn Fn(&mut crate::deploy::Settings)| settings.update(|s| change(s));

    let signed_out = move || {
        view! {
            <div class="cf-connect" data-testid="connect-form">
                <label class="cf-field">
                    <span class="cf-field__label">"Region"</span>
                    <select class="cf-field__input" data-testid="connect-region" prop:value=move || settings.get().region
                        on:change:target=move |ev| { let value = ev.target().value(); edit(&|s| s.region = value.clone()); }>
                        <option value=LOCAL_REGION>"Local sandbox (no account needed)"</option>
                        {REGIONS.iter().map(|r| view! { <option value=r.key>{format!("{} — {}", r.label, r.host)}</option> }).collect_view()}
                    </select>
                </label>
                <Show when=move || settings.get().region == LOCAL_REGION>
                    <label class="cf-field">
                        <span class="cf-field__label">"Sandbox address"</span>
                        <input class="cf-field__input" data-testid="connect-sandbox-url" prop:value=move || settings.get().sandbox_url
                            on:change:target=move |ev| { let value = ev.target().value(); edit(&|s| s.sandbox_url = value.clone()); } />
                    </label>
                </Show>
                <label class="cf-field">
                    <span class="cf-field__label">"OAuth client id (Code + PKCE)"</span>
                    <input class="cf-field__input" data-testid="connect-client-id" prop:value=move || settings.get().client_id
                        on:change:target=move |ev| { let value = ev.target().value(); edit(&|s| s.client_id = value.clone()); } />
                </label>
                <label class="cf-field">
                    <span class="cf-field__label">"Redirect URI (registered on the client)"</span>
                    <input class="cf-field__input" data-testid="connect-redirect-uri" prop:value=move || settings.get().redirect_uri
                        on:change:target=move |ev| { let value = ev.target().value(); edit(&|s| s.redirect_uri = value.clone()); } />
                </label>
                <button class="cf-button cf-button--primary" data-testid="connect-sign-in" on:click=move |_| connection.begin_sign_in()>"Sign in"</button>
                <p class="cf-muted">"Your flow is autosaved before the login page opens. The token stays in this tab (memory and sessionStorage), never in localStorage."</p>
            </div>
        }
    };

    view! {
        <section class="cf-deploy__section" aria-label="Org connection">
            <h3 class="cf-deploy__title">"Org connection"</h3>
            {move || match connection.session.get() {
                Some(session) => {
                    let hours = ((session.expires_at_ms - fetch::now_ms()) / 3_600_000.0).max(0.0);
                    view! {
                        <p data-testid="session">
                            "Signed in as " <strong data-testid="session-user">{session.user.clone().unwrap_or_else(|| "…".to_owned())}</strong>
                            " · " {session.place.clone()} {format!(" · token valid for {hours:.1} h ")}
                            <button class="cf-button" data-testid="sign-out" on:click=move |_| connection.sign_out()>"Sign out"</button>
                        </p>
                    }.into_any()
                }
                None => signed_out().into_any(),
            }}
            {move || connection.message.get().map(|(is_error, text)| view! {
                <p class=if is_error { "cf-deploy__error" } else { "cf-deploy__news" } role="status" data-testid="connect-message">{text}</p>
            })}
        </section>
    }
}
