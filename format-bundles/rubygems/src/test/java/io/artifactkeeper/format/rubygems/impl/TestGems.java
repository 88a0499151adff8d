package io.artifactkeeper.format.rubygems.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds .gem files as {@code gem build} lays them out, for tests. */
final class TestGems {
    private TestGems() {
    }

    /** The YAML gemspec RubyGems 3.3 writes for a gem with one runtime and one development dependency. */
    static String gemspec(String name, String version, String platform) {
        return """
                --- !ruby/object:Gem::Specification
                name: %1$s
                version: !ruby/object:Gem::Version
                  version: %2$s
                platform: %3$s
                authors:
                - Tess Ter
                autorequire:
                bindir: bin
                cert_chain: []
                date: 2026-01-02 00:00:00.000000000 Z
                dependencies:
                - !ruby/object:Gem::Dependency
                  name: json
                  requirement: !ruby/object:Gem::Requirement
                    requirements:
                    - - ">="
                      - !ruby/object:Gem::Version
                        version: '1.0'
                    - - "<"
                      - !ruby/object:Gem::Version
                        version: '3'
                  type: :runtime
                  prerelease: false
                  version_requirements: !ruby/object:Gem::Requirement
                    requirements:
                    - - ">="
                      - !ruby/object:Gem::Version
                        version: '1.0'
                - !ruby/object:Gem::Dependency
                  name: rake
                  requirement: !ruby/object:Gem::Requirement
                    requirements:
                    - - "~>"
                      - !ruby/object:Gem::Version
                        version: '13.0'
                  type: :development
                  prerelease: false
                description: A gem for the tests
                email: tess@example.test
                executables: []
                extensions: []
                extra_rdoc_files: []
                files:
                - lib/%1$s.rb
                homepage: https://example.test/%1$s
                licenses:
                - MIT
                metadata:
                  source_code_uri: https://example.test/src
                post_install_message:
                rdoc_options: []
                require_paths:
                - lib
                required_ruby_version: !ruby/object:Gem::Requirement
                  requirements:
                  - - ">="
                    - !ruby/object:Gem::Version
                      version: 2.7.0
                required_rubygems_version: !ruby/object:Gem::Requirement
                  requirements:
                  - - ">="
                    - !ruby/object:Gem::Version
                      version: '0'
                requirements: []
                rubygems_version: 3.3.15
                signing_key:
                specification_version: 4
                summary: Demo gem %2$s
                test_files: []
                """.formatted(name, version, platform);
    }

    static byte[] gem(String name, String version) throws IOException {
        return gem(name, version, "ruby");
    }

    static byte[] gem(String name, String version, String platform) throws IOException {
        Map<String, byte[]> data = new LinkedHashMap<>();
        data.put("lib/" + name + ".rb", ("module Demo; VERSION = '" + version + "'; end\n").getBytes(StandardCharsets.UTF_8));
        return gem(gemspec(name, version, platform), data, true);
    }

    /** A .gem of {@code yaml} and the files in {@code data}, with or without checksums.yaml.gz. */
    static byte[] gem(String yaml, Map<String, byte[]> data, boolean checksums) throws IOException {
        byte[] metadata = gzip(yaml.getBytes(StandardCharsets.UTF_8));
        byte[] dataTarGz = gzip(tar(data));
        Map<String, byte[]> outer = new LinkedHashMap<>();
        outer.put("metadata.gz", metadata);
        outer.put("data.tar.gz", dataTarGz);
        if (checksums) {
            String sums = "---\nSHA256:\n  metadata.gz: " + sha256(metadata) + "\n  data.tar.gz: " + sha256(dataTarGz) + "\n";
            outer.put("checksums.yaml.gz", gzip(sums.getBytes(StandardCharsets.UTF_8)));
        }
        return tar(outer);
    }

    static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(e.getKey(), true);
                te.setSize(e.getValue().length);
                te.setMode(0644);
                t.putArchiveEntry(te);
                t.write(e.getValue());
                t.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
