pub mod admin;
pub mod export;
pub mod import;
pub mod search;
pub mod serve;
