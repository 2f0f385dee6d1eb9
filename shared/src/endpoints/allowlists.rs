//! The API and portal IP allowlists.

use super::{Endpoint, Method};
use crate::dto::{
    AddAllowlistEntryRequest, AddPortalAllowlistEntryRequest, AllowlistEntryDto,
    PortalAllowlistDto, PortalAllowlistEntryDto, RemovePortalAllowlistEntryQuery,
};
use crate::routes::{API_ALLOWLIST, API_ALLOWLIST_ENTRY, PORTAL_ALLOWLIST, PORTAL_ALLOWLIST_ENTRY};

/// The account's API IP allowlist.
#[derive(Debug, Clone, Copy)]
pub struct ListApiAllowlist;

impl Endpoint for ListApiAllowlist {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = API_ALLOWLIST;
    type Path = ();
    type Request = ();
    type Response = Vec<AllowlistEntryDto>;
}

/// Adds an entry to the API IP allowlist (`201`).
#[derive(Debug, Clone, Copy)]
pub struct AddApiAllowlistEntry;

impl Endpoint for AddApiAllowlistEntry {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = API_ALLOWLIST;
    type Path = ();
    type Request = AddAllowlistEntryRequest;
    type Response = AllowlistEntryDto;
}

/// Removes an entry from the API IP allowlist.
#[derive(Debug, Clone, Copy)]
pub struct DeleteApiAllowlistEntry;

impl Endpoint for DeleteApiAllowlistEntry {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = API_ALLOWLIST_ENTRY;
    type Path = str;
    type Request = ();
    type Response = ();
}

/// The portal IP allowlist, with the caller's address.
#[derive(Debug, Clone, Copy)]
pub struct GetPortalAllowlist;

impl Endpoint for GetPortalAllowlist {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = PORTAL_ALLOWLIST;
    type Path = ();
    type Request = ();
    type Response = PortalAllowlistDto;
}

/// Adds an entry to the portal IP allowlist (`201`).
#[derive(Debug, Clone, Copy)]
pub struct AddPortalAllowlistEntry;

impl Endpoint for AddPortalAllowlistEntry {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = PORTAL_ALLOWLIST;
    type Path = ();
    type Request = AddPortalAllowlistEntryRequest;
    type Response = PortalAllowlistEntryDto;
}

/// Removes an entry from the portal IP allowlist.
#[derive(Debug, Clone, Copy)]
pub struct RemovePortalAllowlistEntry;

impl Endpoint for RemovePortalAllowlistEntry {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = PORTAL_ALLOWLIST_ENTRY;
    type Path = str;
    type Request = RemovePortalAllowlistEntryQuery;
    type Response = ();
}
