-- Admins can disable an account (and enable it again): while `disabled_at` is set the
-- account cannot sign in, and its sessions and API tokens do nothing.
ALTER TABLE users ADD COLUMN disabled_at TEXT;
