-- Identity, repositories and artifacts: the platform's own tables.

CREATE TABLE users (
    id                   uuid PRIMARY KEY,
    username             text NOT NULL UNIQUE,
    email                text,
    display_name         text,
    password_hash        text,
    auth_provider        text NOT NULL DEFAULT 'local',
    is_admin             boolean NOT NULL DEFAULT false,
    is_active            boolean NOT NULL DEFAULT true,
    must_change_password boolean NOT NULL DEFAULT false,
    last_login_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE groups (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_members (
    group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

-- API tokens are stored as SHA-256 of the secret; the prefix identifies a token in listings.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    token_prefix text NOT NULL,
    scopes       text[] NOT NULL DEFAULT '{}',
    expires_at   timestamptz,
    last_used_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE repositories (
    id           uuid PRIMARY KEY,
    key          text NOT NULL UNIQUE,
    name         text NOT NULL,
    description  text,
    format       text NOT NULL,
    repo_type    text NOT NULL CHECK (repo_type IN ('local', 'remote', 'virtual', 'staging')),
    is_public    boolean NOT NULL DEFAULT false,
    upstream_url text,
    quota_bytes  bigint,
    settings     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE repository_members (
    virtual_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    member_id  uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    priority   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (virtual_id, member_id),
    CHECK (virtual_id <> member_id)
);

CREATE TABLE permissions (
    id             uuid PRIMARY KEY,
    principal_type text NOT NULL CHECK (principal_type IN ('user', 'group')),
    principal_id   uuid NOT NULL,
    target_type    text NOT NULL DEFAULT 'repository',
    target_id      uuid NOT NULL,
    actions        text[] NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX permissions_target ON permissions (target_type, target_id);
CREATE INDEX permissions_principal ON permissions (principal_type, principal_id);

-- One row per stored file. The row commits only after the blob it names is durable; a blob that
-- no row names is garbage for the collector.
CREATE TABLE artifacts (
    id              uuid PRIMARY KEY,
    repository_id   uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    path            text NOT NULL,
    name            text,
    version         text,
    size_bytes      bigint NOT NULL,
    checksum_sha256 char(64) NOT NULL,
    checksum_sha1   char(40),
    checksum_md5    char(32),
    checksum_sha512 char(128),
    content_type    text NOT NULL,
    kind            text NOT NULL DEFAULT 'content',
    attributes      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    search          tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(version, '') || ' '
            || translate(path, '/._-', '    '))) STORED,
    UNIQUE (repository_id, path)
);
CREATE INDEX artifacts_sha256 ON artifacts (checksum_sha256);
CREATE INDEX artifacts_name ON artifacts (repository_id, name);
CREATE INDEX artifacts_search ON artifacts USING gin (search);
CREATE INDEX artifacts_path_prefix ON artifacts (repository_id, path text_pattern_ops);

-- Instance-wide secrets and settings (e.g. the JWT signing key, shared by every node).
CREATE TABLE system_settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
