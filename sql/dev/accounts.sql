-- Development accounts, one per certificate of the dev PKI (scripts/dev-pki.sh
-- issues CN=<name>,O=chengguan dev). Loaded by `make run` and the test
-- fixtures, never by `chengguand --migrate`. Safe to load twice.

INSERT INTO accounts (name, display_name, role, unit_code, cert_subject) VALUES
    ('hq',            '市城管执法局',         'hq',          'hq',          'CN=hq,O=chengguan dev'),
    ('supervision',   '督查科',               'supervision', 'supervision', 'CN=supervision,O=chengguan dev'),
    ('xinglongtai',   '兴隆台分局',           'unit',        'xinglongtai', 'CN=xinglongtai,O=chengguan dev'),
    ('shuangtaizi',   '双台子分局',           'unit',        'shuangtaizi', 'CN=shuangtaizi,O=chengguan dev'),
    ('dawa',          '大洼分局',             'unit',        'dawa',        'CN=dawa,O=chengguan dev'),
    ('liaodongwan',   '辽东湾分局',           'unit',        'liaodongwan', 'CN=liaodongwan,O=chengguan dev'),
    ('panshan',       '盘山县综合执法大队',   'unit',        'panshan',     'CN=panshan,O=chengguan dev'),
    ('detachment',    '市城管执法支队',       'unit',        'detachment',  'CN=detachment,O=chengguan dev'),
    ('property-demo', '示范物业服务企业',     'property',    NULL,          'CN=property-demo,O=chengguan dev'),
    ('hotline',       '12345 市民服务热线',   'integration', NULL,          'CN=hotline,O=chengguan dev')
ON CONFLICT (name) DO NOTHING;
