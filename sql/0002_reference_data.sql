-- Reference data of the Panjin programme (盘综执〔2021〕6号): the bureau, its
-- sections, the detachment, the sub-bureaus and brigade, and the districts
-- they cover.

INSERT INTO units (code, name_zh, kind) VALUES
    ('hq',          '市城管执法局',           'bureau'),
    ('supervision', '督查科',                 'section'),
    ('business',    '业务管理科',             'section'),
    ('legal',       '法规科',                 'section'),
    ('office',      '机关党委综合办公室',     'section'),
    ('detachment',  '市城管执法支队',         'detachment'),
    ('xinglongtai', '兴隆台分局',             'district_unit'),
    ('shuangtaizi', '双台子分局',             'district_unit'),
    ('dawa',        '大洼分局',               'district_unit'),
    ('liaodongwan', '辽东湾分局',             'district_unit'),
    ('panshan',     '盘山县综合执法大队',     'district_unit');

INSERT INTO districts (code, name_zh, unit_code) VALUES
    ('xinglongtai', '兴隆台区',   'xinglongtai'),
    ('shuangtaizi', '双台子区',   'shuangtaizi'),
    ('dawa',        '大洼区',     'dawa'),
    ('liaodongwan', '辽东湾新区', 'liaodongwan'),
    ('panshan',     '盘山县',     'panshan');
