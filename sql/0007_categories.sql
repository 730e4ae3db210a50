-- The ten kinds of violation as people read them (DOMAIN.md, "The ten kinds
-- of violation"): the short Chinese names shown in tables and event notes,
-- and an English name for people next to the code name. The table stays the
-- one source of the categories; its rows change only in a migration.

ALTER TABLE violation_categories ADD COLUMN label_en text;

ALTER TABLE violation_categories DISABLE TRIGGER violation_categories_fixed;
UPDATE violation_categories v SET name_zh = n.name_zh, label_en = n.label_en
FROM (VALUES
    (1,  '占用挖掘道路场地',             'Occupying or digging roads and grounds'),
    (2,  '侵占损坏共用部位（含违法搭建）', 'Common parts damaged or built on (incl. illegal construction)'),
    (3,  '利用共用部位经营',             'Business on common parts'),
    (4,  '垃圾倾倒堆放',                 'Garbage dumped or piled'),
    (5,  '侵占消防通道与绿地',           'Fire lanes or green space occupied'),
    (6,  '市容环境卫生',                 'City appearance and sanitation'),
    (7,  '破坏市政设施',                 'Municipal facilities damaged'),
    (8,  '改变物业管理用房用途',         'Property-management rooms put to other use'),
    (9,  '擅自变动主体承重结构',         'Load-bearing structure altered'),
    (10, '其他物业管理违法行为',         'Other property-management violation')
) AS n (code, name_zh, label_en)
WHERE v.code = n.code;
ALTER TABLE violation_categories ENABLE TRIGGER violation_categories_fixed;

ALTER TABLE violation_categories ALTER COLUMN label_en SET NOT NULL;
ALTER TABLE violation_categories ADD CONSTRAINT violation_categories_label_en_key UNIQUE (label_en);
