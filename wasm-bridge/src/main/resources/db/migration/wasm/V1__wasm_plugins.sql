-- Installed WebAssembly format plugins. The module bytes live under the data directory
-- (wasm-plugins/<sha256>.wasm), addressed by wasm_sha256.
CREATE TABLE wasm_plugins (
    id             uuid PRIMARY KEY,
    name           text NOT NULL,
    version        text NOT NULL,
    format_key     text NOT NULL UNIQUE,
    state          text NOT NULL CHECK (state IN ('enabled', 'disabled')),
    source_type    text NOT NULL CHECK (source_type IN ('git', 'zip')),
    source_url     text,
    source_ref     text,
    source_path    text,
    source_commit  text,
    manifest       text NOT NULL,
    wasm_sha256    text NOT NULL,
    signed         boolean NOT NULL DEFAULT false,
    installed_at   timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
