-- Core: units of the bureau, districts, and the accounts that certificates
-- map to. schema_migrations itself is created by `chengguand --migrate`.
--
-- Nothing the bureau records is deleted: rows are closed or disabled with a
-- timestamp, never removed.

CREATE TABLE units (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_-]{1,31}$'),
    name_zh     text NOT NULL UNIQUE,
    kind        text NOT NULL CHECK (kind IN ('bureau', 'section', 'detachment', 'district_unit')),
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE units IS 'The city bureau, its sections, the detachment and the district sub-bureaus/brigade.';

CREATE TABLE districts (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_-]{1,31}$'),
    name_zh     text NOT NULL UNIQUE,
    unit_code   text NOT NULL UNIQUE REFERENCES units (code),
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE districts IS 'The five districts of Panjin; each is covered by exactly one unit.';

CREATE TABLE accounts (
    name             text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{1,63}$'),
    display_name     text NOT NULL DEFAULT '',
    role             text NOT NULL CHECK (role IN ('hq', 'supervision', 'section', 'unit', 'property', 'integration')),
    unit_code        text REFERENCES units (code),
    -- The client certificate's subject in RFC 2253 form, e.g. 'CN=hq,O=chengguan dev'.
    cert_subject     text NOT NULL UNIQUE,
    -- When set, the certificate must also have this SHA-256 fingerprint (lowercase hex).
    cert_fingerprint text CHECK (cert_fingerprint ~ '^[0-9a-f]{64}$'),
    created_at       timestamptz NOT NULL DEFAULT now(),
    disabled_at      timestamptz,
    CHECK ((role IN ('unit', 'section')) = (unit_code IS NOT NULL) OR role IN ('hq', 'supervision'))
);
COMMENT ON TABLE accounts IS 'Who a client certificate is: role and unit. Disabled, never deleted.';
