-- Step 6 (issue 12): the long-term mechanism (长效管理) and section 六 of the
-- plan. Co-construction days (城管执法共建日, the 15th of every month) and the
-- opinions and suggestions made there, answered; the leadership group
-- (领导小组, the plan's annex as its first rows) and its meetings; three-party
-- coordination meetings (街道社区·物业·城管) and their decisions, followed up;
-- training sessions (教育培训) and who attended; good practices and the
-- write-ups of demonstration compounds (示范典型).
--
-- Everything here is append-only: an answer, a follow-up, a change of the
-- group are new rows, never an edit; nothing is deleted. The bulletin counts
-- per unit and period from these tables (sql/api/step6_mechanism.sql:
-- unit_meetings_held, unit_suggestions, unit_officers_trained).

CREATE TABLE co_meetings (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code          text NOT NULL REFERENCES units (code),
    held_on            date NOT NULL,
    rescheduled_reason text NOT NULL DEFAULT '' CHECK (length(rescheduled_reason) <= 500),
    compound_ids       bigint[] NOT NULL CHECK (cardinality(compound_ids) BETWEEN 1 AND 200),
    street             integer NOT NULL CHECK (street BETWEEN 0 AND 1000),
    community          integer NOT NULL CHECK (community BETWEEN 0 AND 1000),
    property           integer NOT NULL CHECK (property BETWEEN 0 AND 1000),
    owners_committee   integer NOT NULL CHECK (owners_committee BETWEEN 0 AND 1000),
    residents          integer NOT NULL CHECK (residents BETWEEN 0 AND 1000),
    minutes            text NOT NULL DEFAULT '' CHECK (length(minutes) <= 20000),
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    recorded_by        text NOT NULL REFERENCES accounts (name),
    -- The plan's day is the 15th; another day says why.
    CHECK (extract(day FROM held_on) = 15 OR rescheduled_reason <> ''),
    CHECK (street + community + property + owners_committee + residents > 0)
);
COMMENT ON TABLE co_meetings IS 'Co-construction days (城管执法共建日) held by a unit. Never changed or deleted.';
CREATE INDEX co_meetings_unit_idx ON co_meetings (unit_code, held_on);

CREATE TABLE suggestions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id bigint NOT NULL REFERENCES co_meetings (id),
    text       text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000)
);
COMMENT ON TABLE suggestions IS 'Opinions and suggestions (意见建议) made at a co-construction day.';
CREATE INDEX suggestions_meeting_idx ON suggestions (meeting_id);

-- The answer to a suggestion: one row, written once.
CREATE TABLE suggestion_answers (
    suggestion_id bigint PRIMARY KEY REFERENCES suggestions (id),
    text          text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    adopted       text NOT NULL CHECK (adopted IN ('yes', 'no', 'partly')),
    answered_at   timestamptz NOT NULL DEFAULT now(),
    answered_by   text NOT NULL REFERENCES accounts (name)
);
COMMENT ON TABLE suggestion_answers IS 'The answer (反馈) to a suggestion, with whether it was adopted. Written once.';

-- The leadership group over time: each row says who holds which place from
-- a day on (or left it then); the group on a day is each person's latest
-- row up to that day, unless it says left.
CREATE TABLE leadership_members (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    role        text NOT NULL CHECK (role IN ('leader', 'deputy', 'member')),
    post        text NOT NULL CHECK (length(post) BETWEEN 1 AND 200),
    unit_code   text NOT NULL REFERENCES units (code),
    valid_from  date NOT NULL,
    left_group  boolean NOT NULL DEFAULT false,
    reason      text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by text REFERENCES accounts (name),             -- NULL: the plan's annex (this migration)
    CHECK (NOT left_group OR reason <> '')
);
COMMENT ON TABLE leadership_members IS 'The leadership group (领导小组) of the programme, as a history of rows.';
CREATE INDEX leadership_members_name_idx ON leadership_members (name, valid_from, id);

-- The annex of 盘综执〔2021〕6号 (27 Jan 2021): the group as first formed.
INSERT INTO leadership_members (name, role, post, unit_code, valid_from) VALUES
    ('赵中华', 'leader', '市城管执法局党组书记', 'hq', '2021-01-27'),
    ('由德宏', 'leader', '市城管执法局局长', 'hq', '2021-01-27'),
    ('张德深', 'deputy', '市城管执法局党组成员、副局长', 'hq', '2021-01-27'),
    ('毛永军', 'deputy', '市城管执法局党组成员、副局长', 'hq', '2021-01-27'),
    ('王金铎', 'deputy', '市城管执法局党组成员、副局长', 'hq', '2021-01-27'),
    ('魏巍', 'member', '市城管执法支队支队长', 'detachment', '2021-01-27'),
    ('李长清', 'member', '市城管执法支队政委', 'detachment', '2021-01-27'),
    ('张强', 'member', '市城管执法局机关党委综合办公室主任', 'office', '2021-01-27'),
    ('康丽', 'member', '市城管执法局法规科科长', 'legal', '2021-01-27'),
    ('贾宏慧', 'member', '市城管执法局督查科科长', 'supervision', '2021-01-27'),
    ('李文青', 'member', '市城管执法局业务管理科负责人', 'business', '2021-01-27'),
    ('陈昊', 'member', '双台子分局负责人', 'shuangtaizi', '2021-01-27'),
    ('于清龙', 'member', '兴隆台分局局长', 'xinglongtai', '2021-01-27'),
    ('何成海', 'member', '大洼分局局长', 'dawa', '2021-01-27'),
    ('杨启武', 'member', '辽东湾分局负责人', 'liaodongwan', '2021-01-27'),
    ('刘坚', 'member', '盘山县综合执法大队大队长', 'panshan', '2021-01-27');

-- Meetings of the leadership group (kind leadership, unit hq) and the
-- three-party coordination meetings of a unit (kind three_party).
CREATE TABLE mech_meetings (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('leadership', 'three_party')),
    unit_code    text NOT NULL REFERENCES units (code),
    held_on      date NOT NULL,
    topic        text NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
    attendees    text NOT NULL CHECK (length(attendees) BETWEEN 1 AND 2000),
    compound_ids bigint[] NOT NULL DEFAULT '{}' CHECK (cardinality(compound_ids) <= 200),
    minutes      text NOT NULL DEFAULT '' CHECK (length(minutes) <= 20000),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    recorded_by  text NOT NULL REFERENCES accounts (name),
    CHECK (kind <> 'leadership' OR unit_code = 'hq')
);
COMMENT ON TABLE mech_meetings IS 'Leadership-group meetings and three-party coordination meetings. Never changed or deleted.';
CREATE INDEX mech_meetings_unit_idx ON mech_meetings (unit_code, held_on);

CREATE TABLE decisions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id bigint NOT NULL REFERENCES mech_meetings (id),
    text       text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    owner      text NOT NULL CHECK (length(owner) BETWEEN 1 AND 100),
    deadline   date NOT NULL
);
COMMENT ON TABLE decisions IS 'Decisions of a meeting: what, who is in charge, by when.';
CREATE INDEX decisions_meeting_idx ON decisions (meeting_id);

-- Follow-ups of a decision, in order; the one with done closes it (at most one).
CREATE TABLE decision_follow_ups (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    decision_id bigint NOT NULL REFERENCES decisions (id),
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    done        boolean NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    by_account  text NOT NULL REFERENCES accounts (name)
);
COMMENT ON TABLE decision_follow_ups IS 'How a decision is carried out (督办落实), one row per follow-up.';
CREATE INDEX decision_follow_ups_idx ON decision_follow_ups (decision_id, id);
CREATE UNIQUE INDEX decision_follow_ups_done_key ON decision_follow_ups (decision_id) WHERE done;

CREATE TABLE trainings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code   text NOT NULL REFERENCES units (code),
    held_on     date NOT NULL,
    topic       text NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
    hours       integer NOT NULL DEFAULT 0 CHECK (hours BETWEEN 0 AND 100),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by text NOT NULL REFERENCES accounts (name)
);
COMMENT ON TABLE trainings IS 'Training sessions (教育培训) of a unit; unit hq: bureau-wide.';
CREATE INDEX trainings_unit_idx ON trainings (unit_code, held_on);

CREATE TABLE training_attendees (
    training_id bigint NOT NULL REFERENCES trainings (id),
    officer_id  bigint NOT NULL REFERENCES officers (id),
    position    integer NOT NULL,
    PRIMARY KEY (training_id, officer_id)
);
COMMENT ON TABLE training_attendees IS 'The officers who attended a training session.';
CREATE INDEX training_attendees_officer_idx ON training_attendees (officer_id);

-- What a demonstration compound (示范小区) is judged by: the plan's
-- "管理有序、服务完善、环境优美、文明祥和" and its 2021 targets.
CREATE TABLE demo_criteria (
    code     text PRIMARY KEY,
    name_zh  text NOT NULL,
    ordinal  integer NOT NULL UNIQUE
);
INSERT INTO demo_criteria (code, name_zh, ordinal) VALUES
    ('orderly_management', '管理有序', 1),
    ('complete_service', '服务完善', 2),
    ('clean_environment', '环境优美', 3),
    ('civil_harmony', '文明祥和', 4),
    ('notice_board_set', '公示牌设置到位', 5),
    ('ledger_complete', '建档立卡完整', 6),
    ('zero_illegal_construction', '违法建设零增长', 7),
    ('monthly_co_construction', '按月开展共建日', 8);

-- A unit's good practice, or (with a compound) the write-up of a
-- demonstration compound and the criteria it meets.
CREATE TABLE good_practices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code   text NOT NULL REFERENCES units (code),
    compound_id bigint REFERENCES compounds (id),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    write_up    text NOT NULL CHECK (length(write_up) BETWEEN 1 AND 20000),
    criteria    text[] NOT NULL DEFAULT '{}',
    written_on  date NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by text NOT NULL REFERENCES accounts (name),
    CHECK ((compound_id IS NULL) = (cardinality(criteria) = 0))
);
COMMENT ON TABLE good_practices IS 'Good practices (好做法好经验) and demonstration-compound write-ups (示范典型).';
CREATE INDEX good_practices_unit_idx ON good_practices (unit_code, id);

-- Nothing of the above changes or goes away.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['co_meetings', 'suggestions', 'suggestion_answers', 'leadership_members',
                             'mech_meetings', 'decisions', 'decision_follow_ups', 'trainings',
                             'training_attendees', 'demo_criteria', 'good_practices'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION cg_internal.refuse_change(%L)',
                       t || '_append_only', t, t || ' are never changed or deleted');
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION cg_internal.refuse_change(%L)',
                       t || '_no_truncate', t, t || ' are never deleted');
    END LOOP;
END
$$;
