//! Browser entry point of the sign-in bundle (`portcullis-login`, see `sign_in_app`).

fn main() {
    // Mounting clears the body: what was typed into login.html's static form is kept first.
    portcullis_web::pages::keep_typed_before_mount();
    yew::Renderer::<portcullis_web::sign_in_app::SignInApp>::new().render();
}
