//! The Export panel's Image tab: the flow (or the selection) as SVG, or as PNG at 1× or 2×, in the
//! designer's current theme or in a theme for print, with or without a legend. The SVG comes from
//! `canvas::image`; the PNG is that SVG drawn by the browser on a canvas element, so the two match.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::canvas::image::{flow_svg, ImageOptions, ImageTheme, Picture};
use crate::clipboard;
use crate::state::use_studio;
use crate::Theme;

/// The theme choice: the designer's own, or a fixed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Current,
    Fixed(ImageTheme),
}

/// Above this many nodes the preview is drawn on request, not after every edit.
const PREVIEW_NODES: usize = 400;

#[component]
pub fn ImageExport() -> impl IntoView {
    let studio = use_studio();
    let theme = expect_context::<RwSignal<Theme>>();
    let choice = RwSignal::new(Choice::Current);
    let legend = RwSignal::new(true);
    let selection_only = RwSignal::new(false);
    let selected = Memo::new(move |_| studio.selection.with(|s| s.nodes.len()));
    // The options as they are now (tracked where read in a reactive scope).
    let options = move || ImageOptions {
        theme: match choice.get() {
            Choice::Fixed(fixed) => fixed,
            Choice::Current => current_theme(theme.get()),
        },
        legend: legend.get(),
    };
    let only = move || (selection_only.get() && selected.get() > 0).then(|| studio.selection.with(|s| s.nodes.clone()));
    // The picture of the flow as it is now (tracking what it reads, for the preview); the
    // downloads and snapshots draw afresh, untracked.
    let render = move || {
        let (options, only): (ImageOptions, Option<BTreeSet<String>>) = (options(), only());
        let index = studio.index.get();
        studio.document.with(|d| flow_svg(d, &index, only.as_ref(), options))
    };
    let draw = move || untrack(render);
    // The preview follows every edit for a flow of up to PREVIEW_NODES nodes. A larger flow's
    // picture costs milliseconds and a large DOM, which must not land on every edit: it is drawn
    // when asked for.
    let large = Memo::new(move |_| studio.document.with(|d| d.flow.nodes.len()) > PREVIEW_NODES);
    let snapshot = RwSignal::new(None::<Picture>);
    // A snapshot is of one flow with one set of options: another flow or other options drop it.
    Effect::new(move |_| {
        studio.opened.track();
        choice.track();
        legend.track();
        selection_only.track();
        snapshot.set(None);
    });
    let picture: Memo<Option<Picture>> = Memo::new(move |_| {
        if large.get() {
            return snapshot.get();
        }
        Some(render())
    });
    let file_name = move |extension: &str| {
        let slug = studio.document.with_untracked(|d| callflow_core::export::slug(&d.flow.name));
        format!("{slug}.{extension}")
    };
    let download_svg = move |_| {
        let svg = draw().svg;
        if let Err(error) = clipboard::download(&file_name("svg"), &svg, "image/svg+xml") {
            studio.tell_error(error);
        }
    };
    let download_png = move |scale: f64| {
        let picture = draw();
        let name = file_name(if scale > 1.0 { "@2x.png" } else { "png" }).replace(".@", "@");
        spawn_local(async move {
            match png_data_url(&picture, scale).await {
                Ok(url) => {
                    if let Err(error) = clipboard::download_url(&name, &url) {
                        studio.tell_error(error);
                    }
                }
                Err(error) => studio.tell_error(format!("The PNG could not be drawn: {error}")),
            }
        });
    };
    let choose = move |value: String| {
        choice.set(match value.as_str() {
            "light" => Choice::Fixed(ImageTheme::Light),
            "dark" => Choice::Fixed(ImageTheme::Dark),
            "print" => Choice::Fixed(ImageTheme::Print),
            _ => Choice::Current,
        })
    };

    view! {
        <div class="cf-image" data-testid="image-export">
            <div class="cf-image__options">
                <label>"Theme "
                    <select class="cf-field__input" data-testid="image-theme" on:change:target=move |ev| choose(ev.target().value())>
                        <option value="current">"Current"</option>
                        {ImageTheme::ALL.into_iter().map(|t| view! { <option value=t.key()>{title(t)}</option> }).collect_view()}
                    </select>
                </label>
                <label class="cf-toolbar__check"><input type="checkbox" data-testid="image-legend" prop:checked=move || legend.get()
                    on:change:target=move |ev| legend.set(ev.target().checked()) />" Legend"</label>
                <label class="cf-toolbar__check" class:cf-hidden=move || selected.get() == 0>
                    <input type="checkbox" data-testid="image-selection" prop:checked=move || selection_only.get()
                        on:change:target=move |ev| selection_only.set(ev.target().checked()) />
                    {move || format!(" Selection only ({} nodes)", selected.get())}
                </label>
                <span class="cf-grow"></span>
                <button class="cf-button" data-testid="export-image" data-format="svg" on:click=download_svg>"Download SVG"</button>
                <button class="cf-button" data-testid="export-image" data-format="png" data-scale="1" on:click=move |_| download_png(1.0)>"PNG 1×"</button>
                <button class="cf-button" data-testid="export-image" data-format="png" data-scale="2" on:click=move |_| download_png(2.0)>"PNG 2×"</button>
            </div>
            {move || match picture.get() {
                Some(p) => view! {
                    <p class="cf-image__size" data-testid="image-size" data-width=p.width data-height=p.height>
                        {format!("{} × {} px at 1× (text stays text in the SVG)", p.width, p.height)}
                        {large.get().then(|| view! {
                            " · a snapshot: the downloads draw the flow as it is now. "
                            <button class="cf-button" data-testid="image-redraw-preview" on:click=move |_| snapshot.set(Some(draw()))>"Redraw"</button>
                        })}
                    </p>
                    <div class="cf-image__preview" data-testid="image-preview" inner_html=p.svg></div>
                }.into_any(),
                None => view! {
                    <p class="cf-image__size">
                        {format!("A flow of more than {PREVIEW_NODES} nodes is previewed when you ask; the downloads are always complete. ")}
                        <button class="cf-button" data-testid="image-show-preview" on:click=move |_| snapshot.set(Some(draw()))>"Show preview"</button>
                    </p>
                }.into_any(),
            }}
        </div>
    }
}

fn title(theme: ImageTheme) -> &'static str {
    match theme {
        ImageTheme::Light => "Light",
        ImageTheme::Dark => "Dark",
        ImageTheme::Print => "Print (black on white)",
    }
}

/// The designer's theme as the picture's: the system's choice is read from the browser.
fn current_theme(theme: Theme) -> ImageTheme {
    match theme {
        Theme::Light => ImageTheme::Light,
        Theme::Dark => ImageTheme::Dark,
        Theme::System => {
            let dark = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches());
            if dark {
                ImageTheme::Dark
            } else {
                ImageTheme::Light
            }
        }
    }
}

/// Draws the SVG on a canvas `scale` times its size and reads it back as a PNG data URL.
async fn png_data_url(picture: &Picture, scale: f64) -> Result<String, String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    // A data URL, not a blob URL: the page's Content-Security-Policy allows `img-src 'self' data:`.
    let url = format!("data:image/svg+xml;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&picture.svg)));
    let image = web_sys::HtmlImageElement::new().map_err(|_| "cannot make an image")?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        image.set_onload(Some(&resolve));
        image.set_onerror(Some(&reject));
    });
    image.set_src(&url);
    let result = wasm_bindgen_futures::JsFuture::from(loaded).await;
    result.map_err(|_| "the browser could not read the SVG")?;
    let canvas = document
        .create_element("canvas")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .ok_or("cannot make a canvas")?;
    // Browsers refuse canvases past about 16,384 pixels a side or 268 million pixels, and then
    // hand back an empty image: say so instead of downloading an empty file.
    let (width, height) = ((picture.width * scale).round(), (picture.height * scale).round());
    if width > 16_384.0 || height > 16_384.0 || width * height > 16_384.0 * 16_384.0 {
        return Err(format!(
            "{width} × {height} pixels is more than a browser can draw; download the SVG, or a PNG at 1×, or of a selection"
        ));
    }
    canvas.set_width((picture.width * scale).round() as u32);
    canvas.set_height((picture.height * scale).round() as u32);
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        .ok_or("no 2D canvas")?;
    context.scale(scale, scale).map_err(|_| "cannot scale the canvas")?;
    context
        .draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, picture.width, picture.height)
        .map_err(|_| "cannot draw the SVG")?;
    let url = canvas.to_data_url_with_type("image/png").map_err(|_| "the canvas could not be read".to_owned())?;
    if !url.starts_with("data:image/png") {
        return Err("the browser drew an empty image; download the SVG instead".to_owned());
    }
    Ok(url)
}
