//! Access requests for the catalogue's data, from application to entitlement: REMS's
//! event-sourced applications with the Negotiator's per-holder progress.

pub mod application;
pub mod attachment;
pub mod catalogue;
pub mod entitlement;
pub mod form;
pub mod purpose;
pub mod statistics;
