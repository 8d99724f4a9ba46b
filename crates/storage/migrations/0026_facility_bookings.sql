-- Bookings of shared facilities (items of the kind `facility`). A booking's time is held as
-- claims of five-minute slots under a unique key per facility: however many nodes and
-- requests race, the database refuses a second claim on a slot, so no two bookings that
-- hold time (all but rejected and cancelled ones, whose claims are deleted) can overlap.
-- A claim covers the booking and the facility's buffer after it.
CREATE TABLE facility_bookings (
    id TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    -- the occurrences of one recurring request share it
    series_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- internal, academic or industry; with the rate in cents per hour at the time of booking
    user_type TEXT NOT NULL,
    rate_cents BIGINT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    -- requested, confirmed, rejected, cancelled, completed or no-show
    state TEXT NOT NULL,
    note TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX facility_bookings_by_facility ON facility_bookings (facility_id, starts_at);
CREATE INDEX facility_bookings_by_user ON facility_bookings (user_id, starts_at);

CREATE TABLE facility_slot_claims (
    facility_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    -- five-minute slots since 1970 (Unix seconds / 300)
    slot BIGINT NOT NULL,
    booking_id TEXT NOT NULL REFERENCES facility_bookings (id) ON DELETE CASCADE,
    PRIMARY KEY (facility_id, slot)
);
CREATE INDEX facility_slot_claims_by_booking ON facility_slot_claims (booking_id);

-- The people a facility's staff marked as trained to use it.
CREATE TABLE facility_trainings (
    facility_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    trained_at TEXT NOT NULL,
    trained_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (facility_id, user_id)
);
