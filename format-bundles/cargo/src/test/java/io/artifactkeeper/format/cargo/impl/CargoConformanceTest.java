package io.artifactkeeper.format.cargo.impl;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * cargo against the in-process format kit. A version is published as {@code cargo publish} sends
 * it: {@code PUT api/v1/crates/new} with the binary body (u32 LE length, the JSON metadata, u32 LE
 * length, the .crate); cargo then reads the index file at the registry root ({@code de/mo/demo}, the
 * {@code sparse+BASE/cargo/{key}/} layout) and downloads from {@code api/v1/crates/demo/V/download},
 * stored as {@code crates/demo/demo-V.crate}.
 */
class CargoConformanceTest extends FormatConformance {

    @Override
    protected FormatHandler createHandler() {
        return new CargoFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", "api/v1/crates/new").header("Content-Type", "application/octet-stream")
                .header("User-Agent", "cargo/1.95.0").body(publishBody("demo", version)));
    }

    @Override
    protected String contentPath(String version) {
        return "api/v1/crates/demo/" + version + "/download";
    }

    @Override
    protected String contentAssetPath(String version) {
        return "crates/demo/demo-" + version + ".crate";
    }

    @Override
    protected String metadataPath() {
        return "de/mo/demo";
    }

    /** An index file lists a version as {@code "vers":"V"} on its line. */
    @Override
    protected boolean lists(Response metadata, String version) {
        return metadata.text().contains("\"vers\":\"" + version + "\"");
    }

    /** The metadata cargo 1.95 sends for a crate without dependencies, and the .crate it packs. */
    static byte[] publishBody(String name, String version) throws Exception {
        String meta = """
                {"name":"%1$s","vers":"%2$s","deps":[],"features":{},"authors":[],"description":"the kit's sample",
                "documentation":null,"homepage":null,"readme":null,"readme_file":null,"keywords":[],"categories":[],
                "license":"MIT","license_file":null,"repository":null,"badges":{},"links":null,"rust_version":null}"""
                .formatted(name, version).replace("\n", "");
        byte[] crate = CargoPublishReaderTest.crate(name + "-" + version + "/Cargo.toml",
                "[package]\nname = \"" + name + "\"\nversion = \"" + version + "\"\nedition = \"2021\"\n",
                name + "-" + version + "/src/lib.rs", "pub fn v() -> &'static str { \"" + version + "\" }\n");
        return CargoPublishReaderTest.body(meta, crate);
    }
}
