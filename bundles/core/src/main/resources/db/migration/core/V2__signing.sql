-- Signing keys for repository indexes (issue 14). The private key is sealed by the core (SecretBox,
-- AES-256-GCM under a key that is not in the database) before it is written here.
CREATE TABLE signing_keys (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    key_type      text NOT NULL CHECK (key_type IN ('gpg', 'rsa', 'ed25519')),
    algorithm     text NOT NULL,
    fingerprint   text NOT NULL,
    key_id        text NOT NULL,
    public_key    text NOT NULL,
    public_bytes  bytea NOT NULL,
    private_key   text NOT NULL,
    uid_name      text,
    uid_email     text,
    repository_id uuid REFERENCES repositories(id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    key_created_at timestamptz NOT NULL,
    expires_at    timestamptz,
    revoked_at    timestamptz,
    rotated_from  uuid REFERENCES signing_keys(id) ON DELETE SET NULL,
    last_used_at  timestamptz
);

CREATE TABLE repository_signing (
    repository_id      uuid PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
    signing_key_id     uuid REFERENCES signing_keys(id) ON DELETE SET NULL,
    sign_metadata      boolean NOT NULL DEFAULT true,
    sign_packages      boolean NOT NULL DEFAULT false,
    require_signatures boolean NOT NULL DEFAULT false,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repository_signing_key ON repository_signing (signing_key_id);
