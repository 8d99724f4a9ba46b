-- A call's status follows from its dates and the day it is asked (`CallStatus::on`), so it
-- is no longer stored: `status` keeps what the source said, and the opening date joins the
-- deadlines that lists filter on.
ALTER TABLE call_topics ADD COLUMN opening_date TEXT;
DROP INDEX call_topics_by_status;
CREATE INDEX call_topics_by_last_deadline ON call_topics (last_deadline);
