//! Browser entry point: trunk builds this binary to wasm.

fn main() {
    // Mounting clears the body: /login's static form (index.html) goes with it, so what
    // was typed in it is kept first.
    portcullis_web::pages::keep_typed_before_mount();
    yew::Renderer::<portcullis_web::app::App>::new().render();
}
