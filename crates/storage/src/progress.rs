/// Receives progress of long writes, so a terminal can show a bar and a server can stay quiet.
pub trait Progress: Sync {
    fn start(&self, total: u64);
    fn advance(&self, n: u64);
    fn finish(&self);
}

/// Progress that nobody watches.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}
