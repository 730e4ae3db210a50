-- A small sample ledger for `make run` demos: a few compounds per district
-- with officers, grid assignments, entry (进驻), notice boards (公示牌),
-- publicity (宣传教育) and two demonstration compounds (示范小区). Names,
-- people and phone numbers are made up.
--
-- Loaded by scripts/dev-env.sh (make run) after sql/dev/accounts.sql; by hand:
--   psql "$(scripts/dev-db.sh var/pg conninfo chengguan)" -f sql/dev/ledger_sample.sql
-- Never loaded by the tests. Everything goes through the cg_api functions with
-- fixed idempotency keys, so loading it twice changes nothing; it fails (and
-- changes nothing) if the ledger already holds a compound of the same name in
-- the same community.

\set ON_ERROR_STOP on

BEGIN;

CREATE FUNCTION pg_temp.sample_key(p_label text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT md5('chengguan ledger sample: ' || p_label)
$$;

DO $$
DECLARE
    r record;
    v_officer jsonb := '{}';    -- officer label -> id
    v_compound jsonb := '{}';   -- compound label -> id
    v_id bigint;
BEGIN
    -- Officers: two per district unit, added by their own unit.
    FOR r IN
        SELECT * FROM (VALUES
            ('xlt1', 'xinglongtai', '王建国', '13904270101', '辽盘执-0101'),
            ('xlt2', 'xinglongtai', '李秀兰', '13904270102', '辽盘执-0102'),
            ('stz1', 'shuangtaizi', '张志强', '13904270201', '辽盘执-0201'),
            ('stz2', 'shuangtaizi', '刘海燕', '13904270202', '辽盘执-0202'),
            ('dw1',  'dawa',        '陈立新', '13904270301', '辽盘执-0301'),
            ('dw2',  'dawa',        '杨晓东', '13904270302', '辽盘执-0302'),
            ('ldw1', 'liaodongwan', '赵明辉', '13904270401', '辽盘执-0401'),
            ('ldw2', 'liaodongwan', '孙丽娜', '13904270402', '辽盘执-0402'),
            ('ps1',  'panshan',     '周德顺', '13904270501', '辽盘执-0501'),
            ('ps2',  'panshan',     '吴春梅', '13904270502', '辽盘执-0502')
        ) AS t(label, unit, name, phone, badge)
    LOOP
        v_id := (cg_api.officer_add(r.unit, jsonb_build_object(
            'idempotency_key', pg_temp.sample_key('officer ' || r.label),
            'officer', jsonb_build_object('name', r.name, 'unit', r.unit, 'phone', r.phone, 'badge', r.badge))) ->> 'id')::bigint;
        v_officer := v_officer || jsonb_build_object(r.label, v_id);
    END LOOP;

    -- Compounds, added by the unit of their district. Some records are left
    -- incomplete on purpose (compound list --incomplete).
    FOR r IN
        SELECT * FROM (VALUES
            ('xlt-a', 'xinglongtai', '石油花园', '兴隆街道', '石油社区', '兴隆台区石油大街88号', 960, 24, 'property_company',
             '盘锦宏达物业服务有限公司', '马文静', '13840270001', '高志远', '0427-2811001', '韩雪', '0427-2811002', '业委会 郑国华', '13840270101', 'property-demo'),
            ('xlt-b', 'xinglongtai', '惠宾家园', '兴隆街道', '惠宾社区', '兴隆台区惠宾大街16号', 420, 10, 'self_managed',
             '', '', '', '高志远', '0427-2811001', '何晓梅', '0427-2811003', '', '', ''),
            ('xlt-c', 'xinglongtai', '兴海小区', '振兴街道', '兴海社区', '兴隆台区兴海路5号', 300, 8, 'none',
             '', '', '', '罗建华', '0427-2812001', '冯玉兰', '0427-2812002', '', '', ''),
            ('xlt-d', 'xinglongtai', '锦绣华城', '振兴街道', '锦绣社区', '兴隆台区泰山路201号', 1280, 32, 'property_company',
             '盘锦锦华物业管理有限公司', '邓丽', '13840270002', '罗建华', '0427-2812001', '', '', '', '', ''),
            ('stz-a', 'shuangtaizi', '红旗小区', '红旗街道', '红旗社区', '双台子区红旗大街12号', 510, 14, 'self_managed',
             '', '', '', '宋伟', '0427-2821001', '唐静', '0427-2821002', '', '', ''),
            ('stz-b', 'shuangtaizi', '胜利家园', '胜利街道', '胜利社区', '双台子区胜利路66号', 780, 20, 'property_company',
             '盘锦安居物业服务有限公司', '许志刚', '13840270003', '曹敏', '0427-2822001', '彭莉', '0427-2822002', '', '', ''),
            ('stz-c', 'shuangtaizi', '建设里', '建设街道', '建设社区', '双台子区建设街3号', 260, 6, 'none',
             '', '', '', '曹敏', '0427-2822001', '', '', '', '', ''),
            ('dw-a',  'dawa',        '田庄台新村', '田庄台镇', '田庄台社区', '大洼区田庄台镇中心路9号', 350, 9, 'self_managed',
             '', '', '', '董建军', '0427-6881001', '袁芳', '0427-6881002', '', '', ''),
            ('dw-b',  'dawa',        '榆树家园', '榆树街道', '榆树社区', '大洼区榆树街18号', 640, 16, 'property_company',
             '盘锦绿洲物业有限公司', '蒋海波', '13840270004', '潘红', '0427-6882001', '', '', '', '', ''),
            ('ldw-a', 'liaodongwan', '荣兴苑', '荣兴街道', '荣兴社区', '辽东湾新区荣兴路1号', 880, 22, 'property_company',
             '辽东湾滨海物业服务有限公司', '邹凯', '13840270005', '丁雪峰', '0427-3551001', '魏红霞', '0427-3551002', '', '', ''),
            ('ldw-b', 'liaodongwan', '海港花园', '荣兴街道', '海港社区', '辽东湾新区海港大道28号', 560, 12, 'property_company',
             '辽东湾滨海物业服务有限公司', '邹凯', '13840270005', '丁雪峰', '0427-3551001', '崔丽', '0427-3551003', '', '', ''),
            ('ps-a',  'panshan',     '太平家园', '太平街道', '太平社区', '盘山县太平镇兴盛路7号', 240, 6, 'none',
             '', '', '', '程志国', '0427-3661001', '范秀英', '0427-3661002', '', '', ''),
            ('ps-b',  'panshan',     '古城小区', '古城街道', '古城社区', '盘山县古城街21号', 0, 0, '',
             '', '', '', '', '', '', '', '', '', '')
        ) AS t(label, district, name, street, community, address, households, buildings, management_status,
               property_company, property_manager, property_phone, street_contact, street_phone,
               community_contact, community_phone, owners_committee_contact, owners_committee_phone, property_account)
    LOOP
        v_id := (cg_api.compound_add(r.district, jsonb_build_object(
            'idempotency_key', pg_temp.sample_key('compound ' || r.label),
            'compound', jsonb_build_object(
                'name', r.name, 'district', r.district, 'street', r.street, 'community', r.community,
                'address', r.address, 'households', r.households, 'buildings', r.buildings,
                'management_status', r.management_status, 'property_company', r.property_company,
                'property_manager', r.property_manager, 'property_phone', r.property_phone,
                'street_contact', r.street_contact, 'street_phone', r.street_phone,
                'community_contact', r.community_contact, 'community_phone', r.community_phone,
                'owners_committee_contact', r.owners_committee_contact,
                'owners_committee_phone', r.owners_committee_phone,
                'property_account', r.property_account))) ->> 'id')::bigint;
        v_compound := v_compound || jsonb_build_object(r.label, v_id);
    END LOOP;

    -- Publicity (宣传教育, 2021-01-26 to 2021-02-10).
    FOR r IN
        SELECT * FROM (VALUES
            ('xlt-a', 'xinglongtai', '2021-01-27', 960, 960, '逐户发放《告知书》和《致市民一封信》'),
            ('xlt-b', 'xinglongtai', '2021-01-28', 420, 420, ''),
            ('stz-a', 'shuangtaizi', '2021-01-29', 510, 300, '小区广场集中宣传'),
            ('ldw-a', 'liaodongwan', '2021-02-02', 880, 880, ''),
            ('dw-a',  'dawa',        '2021-02-05', 200, 350, '')
        ) AS t(compound, unit, date, notices, letters, note)
    LOOP
        PERFORM cg_api.publicity_record(r.unit, jsonb_build_object(
            'idempotency_key', pg_temp.sample_key('publicity ' || r.compound || ' ' || r.date),
            'compound_id', v_compound -> r.compound, 'date', r.date,
            'notices', r.notices, 'letters', r.letters, 'note', r.note));
    END LOOP;

    -- The grid: each compound but two gets a grid officer of its unit.
    FOR r IN
        SELECT * FROM (VALUES
            ('xlt-a', 'xinglongtai', 'xlt1'), ('xlt-b', 'xinglongtai', 'xlt1'), ('xlt-c', 'xinglongtai', 'xlt2'),
            ('xlt-d', 'xinglongtai', 'xlt2'), ('stz-a', 'shuangtaizi', 'stz1'), ('stz-b', 'shuangtaizi', 'stz1'),
            ('stz-c', 'shuangtaizi', 'stz2'), ('dw-a', 'dawa', 'dw1'), ('ldw-a', 'liaodongwan', 'ldw1'),
            ('ldw-b', 'liaodongwan', 'ldw2'), ('ps-a', 'panshan', 'ps1')
        ) AS t(compound, unit, officer)
    LOOP
        PERFORM cg_api.grid_assign(r.unit, jsonb_build_object(
            'idempotency_key', pg_temp.sample_key('grid ' || r.compound || ' ' || r.officer),
            'compound_id', v_compound -> r.compound, 'officer_id', v_officer -> r.officer));
    END LOOP;
    -- A reassignment, so that the history shows the previous officer.
    PERFORM cg_api.grid_assign('xinglongtai', jsonb_build_object(
        'idempotency_key', pg_temp.sample_key('grid xlt-b xlt2'),
        'compound_id', v_compound -> 'xlt-b', 'officer_id', v_officer -> 'xlt2'));

    -- Entry (进驻): nine by 2021-02-28 (the plan asks 兴隆台 4, 双台子 4, 辽东湾 2;
    -- this sample has only three in 双台子) and one in 大洼 later.
    FOR r IN
        SELECT * FROM (VALUES
            ('xlt-a', 'xinglongtai', '2021-02-18'), ('xlt-b', 'xinglongtai', '2021-02-19'),
            ('xlt-c', 'xinglongtai', '2021-02-22'), ('xlt-d', 'xinglongtai', '2021-02-25'),
            ('stz-a', 'shuangtaizi', '2021-02-20'), ('stz-b', 'shuangtaizi', '2021-02-24'),
            ('stz-c', 'shuangtaizi', '2021-02-26'), ('ldw-a', 'liaodongwan', '2021-02-23'),
            ('ldw-b', 'liaodongwan', '2021-02-26'), ('dw-a', 'dawa', '2021-03-15')
        ) AS t(compound, unit, date)
    LOOP
        PERFORM cg_api.compound_enter(r.unit, jsonb_build_object(
            'idempotency_key', pg_temp.sample_key('enter ' || r.compound),
            'id', v_compound -> r.compound, 'date', r.date));
    END LOOP;

    -- Notice boards (公示牌); the others are listed as missing.
    FOR r IN
        SELECT * FROM (VALUES
            ('xlt-a', 'xinglongtai', '2021-02-20', '0427-2810000'), ('xlt-b', 'xinglongtai', '2021-02-21', '0427-2810000'),
            ('xlt-c', 'xinglongtai', '2021-02-23', '0427-2810000'), ('stz-a', 'shuangtaizi', '2021-02-22', '0427-2820000'),
            ('stz-b', 'shuangtaizi', '2021-02-25', '0427-2820000'), ('ldw-a', 'liaodongwan', '2021-02-24', '0427-3550000')
        ) AS t(compound, unit, installed_on, contact_phone)
    LOOP
        PERFORM cg_api.board_set(r.unit, jsonb_build_object(
            'idempotency_key', pg_temp.sample_key('board ' || r.compound),
            'compound_id', v_compound -> r.compound, 'installed_on', r.installed_on,
            'duties', '城管执法进小区：依法查处小区内违法建设、占用公共部位、毁坏绿地等十类违法行为',
            'contact_phone', r.contact_phone, 'supervision_phone', '12345'));
    END LOOP;

    -- Two demonstration compounds (示范小区), chosen by supervision.
    PERFORM cg_api.compound_demo('supervision', jsonb_build_object(
        'idempotency_key', pg_temp.sample_key('demo xlt-a'), 'id', v_compound -> 'xlt-a', 'demo', true));
    PERFORM cg_api.compound_demo('supervision', jsonb_build_object(
        'idempotency_key', pg_temp.sample_key('demo ldw-a'), 'id', v_compound -> 'ldw-a', 'demo', true));

    -- A ledger correction, kept in the history.
    PERFORM cg_api.compound_update('xinglongtai', jsonb_build_object(
        'idempotency_key', pg_temp.sample_key('update xlt-c households'),
        'id', v_compound -> 'xlt-c', 'fields', '["households", "buildings"]'::jsonb,
        'values', '{"households": 312, "buildings": 9}'::jsonb));
END
$$;

COMMIT;
