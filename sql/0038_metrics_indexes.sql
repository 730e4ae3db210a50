-- Step 9 (issue 15): the escalation steps a metrics scrape counts
-- (cg_internal.metrics_snapshot) without reading the whole report timeline.
CREATE INDEX report_timeline_escalated_idx ON report_timeline (level) WHERE kind = 'escalated';
