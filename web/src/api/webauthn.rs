//! The browser's side of a passkey ceremony: `navigator.credentials.create` and `.get`
//! with the options the API sent (JSON, binary fields base64url), answered as the JSON
//! the API reads back.

use crate::i18n::Texts;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Asks an authenticator to make a passkey: `options` is `{"publicKey": …}` as the API
/// sent it. Answers the new credential as JSON, or why the browser refused.
pub async fn create(options: &serde_json::Value) -> Result<serde_json::Value, String> {
    let options = to_js(options)?;
    let public_key = field(&options, "publicKey")?;
    decode_field(&public_key, "challenge")?;
    decode_field(&field(&public_key, "user")?, "id")?;
    decode_ids(&public_key, "excludeCredentials")?;
    let promise = credentials()?
        .create_with_options(options.unchecked_ref())
        .map_err(refusal)?;
    let credential = JsFuture::from(promise).await.map_err(refusal)?;
    let response = field(&credential, "response")?;
    Ok(serde_json::json!({
        "id": text(&credential, "id")?,
        "rawId": encoded(&credential, "rawId")?,
        "type": "public-key",
        "response": {
            "attestationObject": encoded(&response, "attestationObject")?,
            "clientDataJSON": encoded(&response, "clientDataJSON")?,
        },
        "extensions": {},
    }))
}

/// Asks an authenticator to sign in: `options` is `{"publicKey": …}` as the API sent it
/// (no `allowCredentials` for a sign-in without a password: the browser offers the
/// passkeys it holds for this site).
pub async fn get(options: &serde_json::Value) -> Result<serde_json::Value, String> {
    let options = to_js(options)?;
    let public_key = field(&options, "publicKey")?;
    decode_field(&public_key, "challenge")?;
    decode_ids(&public_key, "allowCredentials")?;
    let promise = credentials()?
        .get_with_options(options.unchecked_ref())
        .map_err(refusal)?;
    let credential = JsFuture::from(promise).await.map_err(refusal)?;
    let response = field(&credential, "response")?;
    let user_handle = field(&response, "userHandle")?;
    let user_handle = if user_handle.is_null() || user_handle.is_undefined() {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(encode(&user_handle))
    };
    Ok(serde_json::json!({
        "id": text(&credential, "id")?,
        "rawId": encoded(&credential, "rawId")?,
        "type": "public-key",
        "response": {
            "authenticatorData": encoded(&response, "authenticatorData")?,
            "clientDataJSON": encoded(&response, "clientDataJSON")?,
            "signature": encoded(&response, "signature")?,
            "userHandle": user_handle,
        },
        "extensions": {},
    }))
}

fn credentials() -> Result<web_sys::CredentialsContainer, String> {
    web_sys::window()
        .map(|window| window.navigator().credentials())
        .ok_or_else(|| Texts::current().t("passkey-error-unsupported"))
}

/// Why the browser gave no credential ("NotAllowedError" when the person cancelled).
fn refusal(error: JsValue) -> String {
    let name = Reflect::get(&error, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" => Texts::current().t("passkey-error-cancelled"),
        "InvalidStateError" => Texts::current().t("passkey-error-registered"),
        _ => Texts::current().t_args("passkey-error-refused", &[("name", name.as_str().into())]),
    }
}

/// The options as a JS object, without the members the API sent as `null`: WebAuthn's
/// dictionaries want them absent (a `null` `mediation` or `hints` is a TypeError).
fn to_js(value: &serde_json::Value) -> Result<Object, String> {
    let mut value = value.clone();
    drop_nulls(&mut value);
    JSON::parse(&value.to_string())
        .map_err(|_| "The passkey options could not be read.".to_owned())
        .map(JsCast::unchecked_into)
}

fn field(object: &JsValue, name: &str) -> Result<JsValue, String> {
    Reflect::get(object, &name.into()).map_err(|_| format!("The passkey answer has no {name}."))
}

fn text(object: &JsValue, name: &str) -> Result<String, String> {
    field(object, name)?
        .as_string()
        .ok_or_else(|| format!("The passkey answer's {name} is not text."))
}

/// Replaces a base64url field with its bytes.
fn decode_field(object: &JsValue, name: &str) -> Result<(), String> {
    let encoded = text(object, name)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|_| format!("The passkey options' {name} is not base64url."))?;
    Reflect::set(object, &name.into(), &Uint8Array::from(bytes.as_slice()))
        .map(|_| ())
        .map_err(|_| format!("The passkey options' {name} could not be set."))
}

/// Decodes the `id` of each credential listed under `name`, if any.
fn decode_ids(public_key: &JsValue, name: &str) -> Result<(), String> {
    let list = field(public_key, name)?;
    if list.is_undefined() || list.is_null() {
        return Ok(());
    }
    for descriptor in Array::from(&list).iter() {
        decode_field(&descriptor, "id")?;
    }
    Ok(())
}

fn encode(buffer: &JsValue) -> String {
    let bytes = match buffer.dyn_ref::<ArrayBuffer>() {
        Some(buffer) => Uint8Array::new(buffer).to_vec(),
        None => Uint8Array::new(buffer).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(bytes)
}

fn encoded(object: &JsValue, name: &str) -> Result<String, String> {
    Ok(encode(&field(object, name)?))
}

fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            members.retain(|_, member| !member.is_null());
            members.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}
