-- Step 5 (issue 11): the 12345 hotline's work orders. A request or report
-- filed by the hotline (role integration) carries the hotline's own
-- work-order number (工单号), unique per filing account, so that the hotline
-- finds its item again and tells the citizen what became of it (its event
-- stream: the status changes of the items it filed, events.filer).

ALTER TABLE resident_requests
    ADD COLUMN work_order text NOT NULL DEFAULT '' CHECK (length(work_order) <= 64);
CREATE UNIQUE INDEX resident_requests_work_order_key ON resident_requests (created_by, work_order)
    WHERE work_order <> '';

ALTER TABLE reports
    ADD COLUMN work_order text NOT NULL DEFAULT '' CHECK (length(work_order) <= 64);
CREATE UNIQUE INDEX reports_work_order_key ON reports (reporter, work_order) WHERE work_order <> '';
