//! The activity charts' counts.

use super::{Endpoint, Method};
use crate::dto::{ActivityDto, ActivityQuery};
use crate::routes::ACTIVITY;

/// Points spent, sign-ins, refused API calls and destinations per day or reason over the
/// last days: the signed-in subuser's own, or the owner's whole account.
#[derive(Debug, Clone, Copy)]
pub struct Activity;

impl Endpoint for Activity {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = ACTIVITY;
    type Path = ();
    type Request = ActivityQuery;
    type Response = ActivityDto;
}
