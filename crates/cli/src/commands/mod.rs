pub mod admin;
pub mod backup;
pub mod bench;
pub mod export;
pub mod import;
pub mod resolve;
pub mod search;
pub mod serve;
