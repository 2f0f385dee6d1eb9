//! Browser entry point: trunk builds this binary to wasm.

fn main() {
    yew::Renderer::<portcullis_web::app::App>::new().render();
}
