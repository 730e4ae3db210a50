-- Step 6 (issue 12): the programme calendar and its targets, the problem list
-- of the rectification phase (清理整治) and the concentrated campaigns
-- (集中整治行动). The functions are sql/api/step6_campaign.sql; the contract
-- proto/chengguan/v1/campaign.proto.
--
-- The four phases and the targets are the plan's (盘综执〔2021〕6号, 五 实施步骤
-- and 二 工作目标): data, not code. The programme starts on 2021-01-26, the
-- first day of the publicity phase. Nothing here is deleted or edited in
-- place: a problem's plan and status are rows of their own, the latest in
-- effect, the earlier ones its history.

CREATE TABLE programme_phases (
    code     text PRIMARY KEY CHECK (code IN ('publicity', 'implementation', 'rectification', 'normalisation')),
    seq      smallint NOT NULL UNIQUE,
    name_zh  text NOT NULL UNIQUE,
    first    date NOT NULL,
    last     date,                            -- NULL: open-ended
    plan     text NOT NULL,                   -- what the plan asks of it, in its words
    CHECK (last IS NULL OR last >= first)
);
COMMENT ON TABLE programme_phases IS 'The four phases of the programme (实施步骤 of 盘综执〔2021〕6号). Changed only by a migration.';

INSERT INTO programme_phases (code, seq, name_zh, first, last, plan) VALUES
    ('publicity', 1, '宣传教育阶段', '2021-01-26', '2021-02-10',
     '采取发放告知书、致广大市民一封信等多种形式，向广大居民、物业服务企业宣传发布“城管执法进小区”工作重点、方法措施等'),
    ('implementation', 2, '组织实施阶段', '2021-02-11', '2021-05-31',
     '2月底前进驻10个小区（兴隆台区4个、双台子区4个、辽东湾2个，大洼区和盘山县结合辖区实际情况自行决定）；5月底之前城管执法进驻全部小区，覆盖率达到100%'),
    ('rectification', 3, '清理整治阶段', '2021-06-01', '2021-12-31',
     '组织开展集中整治行动，对能及时解决的问题，要及时整改到位；对无法在短期内解决的问题，要分类逐一汇总统计，列出问题清单，制定整改计划，分类施策'),
    ('normalisation', 4, '常态化管理阶段', '2022-01-01', NULL,
     '对城管执法进小区工作开展情况进行总结梳理，形成一套具有“盘锦特点”的城管执法进小区的制度机制');

-- A target: a measure of the ledger or the cases, for the city (unit NULL)
-- or one unit, to reach by `due` (counted from `first` for counts of new
-- records). goal_min / goal_max bound the figure (NULL: no bound); shares are
-- 0..1.
--   entered               compounds entered (进驻) on or before the day
--   entered_share         those over the compounds open on the day
--   board_share           compounds with a complete notice board (公示牌) installed on or before the day
--   ledger_share          compounds whose ledger record is complete (建档立卡; today's record)
--   demo                  demonstration compounds (示范小区; today's record)
--   illegal_construction  cases with the illegal-construction flag registered from `first` to the day
CREATE TABLE programme_targets (
    code      text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,47}$'),
    seq       smallint NOT NULL UNIQUE,
    phase     text NOT NULL REFERENCES programme_phases (code),
    unit_code text REFERENCES units (code),   -- NULL: the whole city
    measure   text NOT NULL CHECK (measure IN ('entered', 'entered_share', 'board_share', 'ledger_share', 'demo',
                                               'illegal_construction')),
    first     date NOT NULL,
    due       date NOT NULL,
    goal_min  numeric,
    goal_max  numeric,
    name_zh   text NOT NULL,
    plan      text NOT NULL,                  -- the plan's words
    CHECK (goal_min IS NOT NULL OR goal_max IS NOT NULL),
    CHECK (due >= first)
);
COMMENT ON TABLE programme_targets IS 'The targets of the programme (工作目标 and 实施步骤 of 盘综执〔2021〕6号). Changed only by a migration.';

INSERT INTO programme_targets (code, seq, phase, unit_code, measure, first, due, goal_min, goal_max, name_zh, plan) VALUES
    ('entered_feb', 1, 'implementation', NULL, 'entered', '2021-01-26', '2021-02-28', 10, NULL,
     '2月底前进驻10个小区', '按照局党组要求，2月底前进驻10个小区'),
    ('entered_feb_xinglongtai', 2, 'implementation', 'xinglongtai', 'entered', '2021-01-26', '2021-02-28', 4, NULL,
     '兴隆台区2月底前进驻4个小区', '兴隆台区4个'),
    ('entered_feb_shuangtaizi', 3, 'implementation', 'shuangtaizi', 'entered', '2021-01-26', '2021-02-28', 4, NULL,
     '双台子区2月底前进驻4个小区', '双台子区4个'),
    ('entered_feb_liaodongwan', 4, 'implementation', 'liaodongwan', 'entered', '2021-01-26', '2021-02-28', 2, NULL,
     '辽东湾2月底前进驻2个小区', '辽东湾2个'),
    ('coverage_may', 5, 'implementation', NULL, 'entered_share', '2021-01-26', '2021-05-31', 1, NULL,
     '5月底前进驻全部小区，覆盖率100%', '5月底之前城管执法进驻全部小区，覆盖率达到100%'),
    ('board_2021', 6, 'rectification', NULL, 'board_share', '2021-01-26', '2021-12-31', 1, NULL,
     '2021年公示牌设置覆盖率100%', '网格化管理公示牌设置覆盖率达到100%'),
    ('ledger_2021', 7, 'rectification', NULL, 'ledger_share', '2021-01-26', '2021-12-31', 1, NULL,
     '2021年全面完成各小区建档立卡', '全面完成各小区建档立卡工作'),
    ('demo_2021', 8, 'rectification', NULL, 'demo', '2021-01-26', '2021-12-31', 4, 5,
     '2021年打造4-5个示范小区', '在全市范围内打造4-5个示范小区'),
    ('illegal_construction_2021', 9, 'rectification', NULL, 'illegal_construction', '2021-01-26', '2021-12-31',
     NULL, 0, '2021年小区违法建设零增长', '确保小区违法建设“零增长”');

CREATE TRIGGER programme_phases_fixed BEFORE INSERT OR UPDATE OR DELETE ON programme_phases
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('the programme calendar changes only by a migration');
CREATE TRIGGER programme_phases_no_truncate BEFORE TRUNCATE ON programme_phases
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('the programme calendar changes only by a migration');
CREATE TRIGGER programme_targets_fixed BEFORE INSERT OR UPDATE OR DELETE ON programme_targets
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('the programme targets change only by a migration');
CREATE TRIGGER programme_targets_no_truncate BEFORE TRUNCATE ON programme_targets
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('the programme targets change only by a migration');

-- Concentrated campaigns (集中整治行动): a title, a period, the units, the
-- compounds (none: every compound of the units) and the categories it covers.
CREATE TABLE campaign_actions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    first       date NOT NULL,
    last        date NOT NULL,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    created_by  text NOT NULL REFERENCES accounts (name),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (last >= first)
);
COMMENT ON TABLE campaign_actions IS 'Concentrated campaigns (集中整治行动). Append-only.';

CREATE TABLE campaign_action_units (
    action_id  bigint NOT NULL REFERENCES campaign_actions (id),
    unit_code  text NOT NULL REFERENCES units (code),
    PRIMARY KEY (action_id, unit_code)
);
CREATE INDEX campaign_action_units_unit_idx ON campaign_action_units (unit_code, action_id);

CREATE TABLE campaign_action_compounds (
    action_id    bigint NOT NULL REFERENCES campaign_actions (id),
    compound_id  bigint NOT NULL REFERENCES compounds (id),
    PRIMARY KEY (action_id, compound_id)
);

CREATE TABLE campaign_action_categories (
    action_id  bigint NOT NULL REFERENCES campaign_actions (id),
    category   smallint NOT NULL REFERENCES violation_categories (code),
    PRIMARY KEY (action_id, category)
);

-- Cases opened in a campaign: linked once, never unlinked.
CREATE TABLE campaign_action_cases (
    action_id  bigint NOT NULL REFERENCES campaign_actions (id),
    case_id    bigint NOT NULL REFERENCES cases (id),
    linked_by  text NOT NULL REFERENCES accounts (name),
    linked_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (action_id, case_id)
);
CREATE INDEX campaign_action_cases_case_idx ON campaign_action_cases (case_id);

-- The problem list (问题清单): a problem found in a compound, of a category;
-- quick (能及时解决) or not, in which case it needs a rectification plan
-- before it can be fixed.
CREATE TABLE problems (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    compound_id  bigint NOT NULL REFERENCES compounds (id),
    unit_code    text NOT NULL REFERENCES units (code),       -- the compound's unit when added
    category     smallint NOT NULL REFERENCES violation_categories (code),
    text         text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    quick        boolean NOT NULL,
    found_on     date NOT NULL,
    action_id    bigint REFERENCES campaign_actions (id),      -- found in this campaign
    added_by     text NOT NULL REFERENCES accounts (name),
    added_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE problems IS 'The problem list (问题清单) of the rectification phase. Append-only: plans and statuses are rows of their own.';
CREATE INDEX problems_unit_idx ON problems (unit_code, id);
CREATE INDEX problems_compound_idx ON problems (compound_id, id);
CREATE INDEX problems_action_idx ON problems (action_id) WHERE action_id IS NOT NULL;

-- Rectification plans (整改计划): the latest row of a problem is in effect.
CREATE TABLE problem_plans (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    problem_id  bigint NOT NULL REFERENCES problems (id),
    measures    text NOT NULL CHECK (length(measures) BETWEEN 1 AND 2000),
    owner       text NOT NULL CHECK (length(owner) BETWEEN 1 AND 100),
    deadline    date NOT NULL,
    set_by      text NOT NULL REFERENCES accounts (name),
    set_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problem_plans_problem_idx ON problem_plans (problem_id, id);

-- Status changes: a problem is open until its first row; the latest row is
-- where it stands.
CREATE TABLE problem_statuses (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    problem_id  bigint NOT NULL REFERENCES problems (id),
    status      text NOT NULL CHECK (status IN ('in_progress', 'fixed', 'verified')),
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    set_by      text NOT NULL REFERENCES accounts (name),
    set_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problem_statuses_problem_idx ON problem_statuses (problem_id, id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['campaign_actions', 'campaign_action_units', 'campaign_action_compounds',
                             'campaign_action_categories', 'campaign_action_cases', 'problems', 'problem_plans',
                             'problem_statuses'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION cg_internal.refuse_change(%L)', t || '_append_only', t, t || ' is append-only');
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION cg_internal.refuse_change(%L)', t || '_no_truncate', t, t || ' is append-only');
    END LOOP;
END
$$;
