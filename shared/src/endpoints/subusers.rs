//! The account's subusers.

use super::{Endpoint, Method};
use crate::dto::{CreateSubuserRequest, SubuserDto, UpdateSubuserRequest};
use crate::routes::{SUBUSER, SUBUSERS, SUBUSER_DISABLE, SUBUSER_ENABLE, SUBUSER_INVITATION};

/// The account's subusers.
#[derive(Debug, Clone, Copy)]
pub struct ListSubusers;

impl Endpoint for ListSubusers {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SUBUSERS;
    type Path = ();
    type Request = ();
    type Response = Vec<SubuserDto>;
}

/// Creates a subuser (`201`); without a password they get an invitation.
#[derive(Debug, Clone, Copy)]
pub struct CreateSubuser;

impl Endpoint for CreateSubuser {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SUBUSERS;
    type Path = ();
    type Request = CreateSubuserRequest;
    type Response = SubuserDto;
}

/// One subuser.
#[derive(Debug, Clone, Copy)]
pub struct GetSubuser;

impl Endpoint for GetSubuser {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = SUBUSER;
    type Path = str;
    type Request = ();
    type Response = SubuserDto;
}

/// Replaces a subuser's grants and phone.
#[derive(Debug, Clone, Copy)]
pub struct UpdateSubuser;

impl Endpoint for UpdateSubuser {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = SUBUSER;
    type Path = str;
    type Request = UpdateSubuserRequest;
    type Response = SubuserDto;
}

/// Deletes a subuser.
#[derive(Debug, Clone, Copy)]
pub struct DeleteSubuser;

impl Endpoint for DeleteSubuser {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = SUBUSER;
    type Path = str;
    type Request = ();
    type Response = ();
}

/// Disables a subuser: sessions end, tokens and sign-in are refused.
#[derive(Debug, Clone, Copy)]
pub struct DisableSubuser;

impl Endpoint for DisableSubuser {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SUBUSER_DISABLE;
    type Path = str;
    type Request = ();
    type Response = SubuserDto;
}

/// Re-enables a disabled subuser.
#[derive(Debug, Clone, Copy)]
pub struct EnableSubuser;

impl Endpoint for EnableSubuser {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SUBUSER_ENABLE;
    type Path = str;
    type Request = ();
    type Response = SubuserDto;
}

/// Sends a subuser a new invitation e-mail (`202`).
#[derive(Debug, Clone, Copy)]
pub struct ResendSubuserInvitation;

impl Endpoint for ResendSubuserInvitation {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = SUBUSER_INVITATION;
    type Path = str;
    type Request = ();
    type Response = ();
}
