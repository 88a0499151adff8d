package io.artifactkeeper.format.swift.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** swift behaviour beyond the kit's contract, in process. */
class SwiftFormatTest {
    private static final String JSON = SwiftPackages.ACCEPT_JSON;
    private final MemoryWorld world = new MemoryWorld(new SwiftFormat(), "http://ak.test");
    private final FormatHarness h = world.harness();

    private Response put(String repo, String id, String version, byte[] archive, String metadata) {
        String b = "boundary-" + version;
        return h.request("PUT", repo, id + "/" + version).header("Accept", JSON)
                .header("Content-Type", "multipart/form-data;boundary=\"" + b + "\"")
                .body(SwiftPackages.publishBody(b, archive, metadata)).send();
    }

    private byte[] publish(String repo, String scope, String name, String version) throws Exception {
        byte[] zip = SwiftPackages.sourceArchive(name, version);
        Response r = put(repo, scope + "/" + name, version, zip, SwiftPackages.metadata("https://github.com/" + scope + "/"
                + name));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.header("Location").orElse("")).isEqualTo("http://ak.test/swift/" + repo + "/" + scope + "/" + name
                + "/" + version);
        return zip;
    }

    private Response get(String repo, String path, String accept) {
        return h.request("GET", repo, path).header("Accept", accept).send();
    }

    private static JsonNode json(Response r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void theSe0292EndpointsAnswerWhatSwiftPmReads() throws Exception {
        world.local("swift");
        byte[] v100 = publish("swift", "mona", "LinkedList", "1.0.0");
        publish("swift", "mona", "LinkedList", "1.1.0");
        publish("swift", "mona", "LinkedList", "1.10.0");
        publish("swift", "mona", "LinkedList", "2.0.0-beta.1");

        Response list = get("swift", "mona/LinkedList", JSON);
        assertThat(list.status()).as("%s", list).isEqualTo(200);
        assertThat(list.header("Content-Type").orElse("")).isEqualTo("application/json");
        assertThat(list.header("Content-Version").orElse("")).isEqualTo("1");
        assertThat(json(list).get("releases").fieldNames()).toIterable()
                .containsExactly("2.0.0-beta.1", "1.10.0", "1.1.0", "1.0.0");
        assertThat(json(list).at("/releases/1.0.0/url").asText()).isEqualTo("http://ak.test/swift/swift/mona/LinkedList/1.0.0");
        assertThat(list.header("Link").orElse("")).isEqualTo(
                "<http://ak.test/swift/swift/mona/LinkedList/2.0.0-beta.1>; rel=\"latest-version\"");
        // case-insensitive, and with the .json extension a client may append
        assertThat(json(get("swift", "MONA/linkedlist.json", JSON)).get("releases").size()).isEqualTo(4);

        Response rel = get("swift", "mona/LinkedList/1.1.0", JSON);
        JsonNode r = json(rel);
        assertThat(r.get("id").asText()).isEqualTo("mona.LinkedList");
        assertThat(r.get("version").asText()).isEqualTo("1.1.0");
        assertThat(r.at("/resources/0/name").asText()).isEqualTo("source-archive");
        assertThat(r.at("/resources/0/type").asText()).isEqualTo("application/zip");
        assertThat(r.at("/metadata/repositoryURLs/0").asText()).isEqualTo("https://github.com/mona/LinkedList");
        assertThat(r.get("publishedAt").asText()).isNotBlank();
        assertThat(rel.header("Link").orElse("")).contains("/1.10.0>; rel=\"successor-version\"")
                .contains("/1.0.0>; rel=\"predecessor-version\"").contains("/2.0.0-beta.1>; rel=\"latest-version\"");
        assertThat(json(get("swift", "mona/LinkedList/1.0.0", JSON)).at("/resources/0/checksum").asText())
                .isEqualTo(sha256(v100));

        Response zip = get("swift", "mona/LinkedList/1.0.0.zip", "application/vnd.swift.registry.v1+zip");
        assertThat(zip.status()).isEqualTo(200);
        assertThat(zip.body()).isEqualTo(v100);
        assertThat(zip.header("Content-Type").orElse("")).isEqualTo("application/zip");
        assertThat(zip.header("Content-Disposition").orElse("")).isEqualTo("attachment; filename=\"LinkedList-1.0.0.zip\"");
        assertThat(zip.header("Digest").orElse("")).isEqualTo("sha-256=" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(v100)));

        Response manifest = get("swift", "mona/LinkedList/1.0.0/Package.swift", "application/vnd.swift.registry.v1+swift");
        assertThat(manifest.status()).isEqualTo(200);
        assertThat(manifest.header("Content-Type").orElse("")).isEqualTo("text/x-swift");
        assertThat(manifest.text()).startsWith("// swift-tools-version:5.9");
        assertThat(manifest.header("Content-Disposition").orElse("")).isEqualTo("attachment; filename=\"Package.swift\"");
        assertThat(manifest.header("Link").orElse("")).isEqualTo("<http://ak.test/swift/swift/mona/LinkedList/1.0.0/"
                + "Package.swift?swift-version=5.8>; rel=\"alternate\"; filename=\"Package@swift-5.8.swift\"; "
                + "swift-tools-version=\"5.8\"");
        Response variant = get("swift", "mona/LinkedList/1.0.0/Package.swift?swift-version=5.8", "application/vnd.swift.registry.v1+swift");
        assertThat(variant.text()).startsWith("// swift-tools-version:5.8");
        assertThat(variant.header("Content-Disposition").orElse("")).contains("Package@swift-5.8.swift");
        Response other = get("swift", "mona/LinkedList/1.0.0/Package.swift?swift-version=4.2", "application/vnd.swift.registry.v1+swift");
        assertThat(other.status()).isEqualTo(303);
        assertThat(other.header("Location").orElse("")).isEqualTo("http://ak.test/swift/swift/mona/LinkedList/1.0.0/Package.swift");

        Response ids = get("swift", "identifiers?url=https://github.com/mona/LinkedList.git", JSON);
        assertThat(ids.status()).as("%s", ids).isEqualTo(200);
        assertThat(json(ids).get("identifiers").get(0).asText()).isEqualTo("mona.LinkedList");
        assertThat(get("swift", "identifiers?url=https://github.com/nobody/Nothing", JSON).status()).isEqualTo(404);
        Response noUrl = get("swift", "identifiers", JSON);
        assertThat(noUrl.status()).isEqualTo(400);
        assertThat(noUrl.header("Content-Type").orElse("")).isEqualTo("application/problem+json");
        assertThat(json(noUrl).get("detail").asText()).contains("url");
        assertThat(get("swift", "mona/LinkedList/3.0.0", JSON).status()).isEqualTo(404);
    }

    @Test
    void acceptNamesTheApiVersion() throws Exception {
        world.local("swift");
        publish("swift", "mona", "Demo", "1.0.0");
        Response v2 = get("swift", "mona/Demo", "application/vnd.swift.registry.v2+json");
        assertThat(v2.status()).isEqualTo(415);
        assertThat(v2.header("Content-Type").orElse("")).isEqualTo("application/problem+json");
        assertThat(v2.header("Content-Version").orElse("")).isEqualTo("1");
        assertThat(json(v2).get("detail").asText()).contains("unsupported API version");
        assertThat(get("swift", "mona/Demo", "application/vnd.swift.registry.vX+json").status()).isEqualTo(400);
        assertThat(get("swift", "mona/Demo", "application/vnd.swift.registry.v1+yaml").status()).isEqualTo(400);
        assertThat(h.get("swift", "mona/Demo").status()).as("no Accept: version 1").isEqualTo(200);
        assertThat(get("swift", "mona/Demo", "application/vnd.swift.registry").status()).isEqualTo(200);
    }

    @Test
    void badPublishesAreRefusedAndStoreNothing() throws Exception {
        world.local("swift");
        byte[] first = publish("swift", "mona", "Demo", "1.0.0");
        Response dup = put("swift", "MONA/demo", "1.0.0", SwiftPackages.sourceArchive("Demo", "1.0.0"), null);
        assertThat(dup.status()).as("%s", dup).isEqualTo(409);
        assertThat(dup.header("Content-Type").orElse("")).isEqualTo("application/problem+json");
        assertThat(json(dup).get("detail").asText()).isEqualTo("a release with version 1.0.0 already exists");
        String meta = SwiftPackages.metadata("https://github.com/mona/Demo");
        Object[][] cases = {
            {"not a zip", "hello".getBytes(StandardCharsets.UTF_8), meta, 422},
            {"no manifest", SwiftPackages.zip("Demo/Sources/Demo/x.swift", "x"), meta, 422},
            {"two top-level directories", SwiftPackages.zip("A/Package.swift", "// x", "B/Package.swift", "// y"), meta, 422},
            {"traversal", SwiftPackages.zip("Package.swift", "// x", "../../evil.swift", "x"), meta, 422},
            {"malformed metadata", SwiftPackages.sourceArchive("Demo", "2.0.0"), "{\"description\": ", 422},
            {"metadata not an object", SwiftPackages.sourceArchive("Demo", "2.0.0"), "[1, 2]", 422},
            {"repositoryURLs not strings", SwiftPackages.sourceArchive("Demo", "2.0.0"), "{\"repositoryURLs\": [1]}", 422},
            {"oversized metadata", SwiftPackages.sourceArchive("Demo", "2.0.0"), "{\"description\": \""
                    + "x".repeat(SwiftMetadata.MAX_BYTES) + "\"}", 413},
        };
        for (Object[] c : cases) {
            Response r = put("swift", "mona/Demo", "2.0.0", (byte[]) c[1], (String) c[2]);
            assertThat(r.status()).as("%s: %s", c[0], r).isEqualTo((int) c[3]);
            assertThat(json(r).get("detail").asText()).as("%s", c[0]).isNotBlank();
        }
        assertThat(h.request("PUT", "swift", "mona/Demo/2.0.0").header("Content-Type", "application/zip")
                .body(SwiftPackages.sourceArchive("Demo", "2.0.0")).send().status()).isEqualTo(400);
        assertThat(h.request("PUT", "swift", "mona/Demo/2.0.0").header("Content-Type", "multipart/form-data; boundary=b")
                .body("--b\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}\r\n--b--\r\n").send().status())
                .isEqualTo(422);
        assertThat(put("swift", "mona/Demo", "2.0", SwiftPackages.sourceArchive("Demo", "2.0"), meta).status()).isEqualTo(400);
        assertThat(put("swift", "-mona/Demo", "2.0.0", SwiftPackages.sourceArchive("Demo", "2.0.0"), meta).status())
                .isEqualTo(400);
        assertThat(world.repository("swift").contents().keySet()).containsExactly("mona/demo/1.0.0.zip");
        assertThat(h.get("swift", "mona/Demo/1.0.0.zip").body()).isEqualTo(first);
    }

    @Test
    void aSignedReleaseCarriesItsSignature() throws Exception {
        world.local("swift");
        byte[] zip = SwiftPackages.sourceArchive("Signed", "1.0.0");
        byte[] sig = "not-really-cms".getBytes(StandardCharsets.UTF_8);
        String b = "sb";
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--sb\r\nContent-Disposition: form-data; name=\"source-archive\"\r\nContent-Type: application/zip\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(zip);
        body.writeBytes(("\r\n--sb\r\nContent-Disposition: form-data; name=\"source-archive-signature\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(sig);
        body.writeBytes("\r\n--sb--\r\n".getBytes(StandardCharsets.UTF_8));
        Response unsignedFormat = h.request("PUT", "swift", "mona/Signed/1.0.0").header("Content-Type",
                "multipart/form-data; boundary=" + b).body(body.toByteArray()).send();
        assertThat(unsignedFormat.status()).as("a signature without its format header").isEqualTo(400);
        Response ok = h.request("PUT", "swift", "mona/Signed/1.0.0").header("Content-Type", "multipart/form-data; boundary=" + b)
                .header("X-Swift-Package-Signature-Format", "cms-1.0.0").body(body.toByteArray()).send();
        assertThat(ok.status()).as("%s", ok).isEqualTo(201);
        String b64 = Base64.getEncoder().encodeToString(sig);
        JsonNode rel = json(get("swift", "mona/Signed/1.0.0", JSON));
        assertThat(rel.at("/resources/0/signing/signatureBase64Encoded").asText()).isEqualTo(b64);
        assertThat(rel.at("/resources/0/signing/signatureFormat").asText()).isEqualTo("cms-1.0.0");
        Response dl = h.get("swift", "mona/Signed/1.0.0.zip");
        assertThat(dl.header("X-Swift-Package-Signature").orElse("")).isEqualTo(b64);
        assertThat(dl.header("X-Swift-Package-Signature-Format").orElse("")).isEqualTo("cms-1.0.0");
    }

    @Test
    void aRemoteAndAVirtual() throws Exception {
        byte[] zip = SwiftPackages.sourceArchive("Remote", "1.2.3");
        String sum = sha256(zip);
        ScriptedUpstream up = new ScriptedUpstream(URI.create("https://registry.up.test"), (method, uri, headers) -> {
            String u = uri.toString();
            return switch (u) {
                case "https://registry.up.test/apple/remote" -> {
                    assertThat(headers).containsEntry("Accept", JSON);
                    yield ScriptedUpstream.Reply.of(200, "application/json", ("{\"releases\":{\"1.2.3\":{\"url\":"
                            + "\"https://registry.up.test/apple/Remote/1.2.3\"},\"1.0.0\":{\"problem\":{\"status\":410,"
                            + "\"detail\":\"gone\"}}}}").getBytes(StandardCharsets.UTF_8));
                }
                case "https://registry.up.test/apple/remote/1.2.3" -> ScriptedUpstream.Reply.of(200, "application/json",
                        ("{\"id\":\"apple.Remote\",\"version\":\"1.2.3\",\"resources\":[{\"name\":\"source-archive\","
                                + "\"type\":\"application/zip\",\"checksum\":\"" + sum + "\"}],\"metadata\":{}}")
                                .getBytes(StandardCharsets.UTF_8));
                case "https://registry.up.test/apple/remote/1.2.3.zip" -> ScriptedUpstream.Reply.of(200, "application/zip", zip);
                case "https://registry.up.test/identifiers?url=https%3A%2F%2Fgithub.com%2Fapple%2FRemote" ->
                        ScriptedUpstream.Reply.of(200, "application/json",
                                "{\"identifiers\":[\"apple.Remote\"]}".getBytes(StandardCharsets.UTF_8));
                default -> ScriptedUpstream.Reply.of(404, "application/problem+json", "{}".getBytes(StandardCharsets.UTF_8));
            };
        });
        world.remote("upstream", up);
        world.local("swift");
        publish("swift", "mona", "Local", "1.0.0");
        world.virtual("all", "swift", "upstream");
        JsonNode list = json(get("upstream", "apple/Remote", JSON));
        assertThat(list.at("/releases/1.2.3/url").asText()).isEqualTo("http://ak.test/swift/upstream/apple/Remote/1.2.3");
        assertThat(list.at("/releases/1.0.0/problem/status").asInt()).isEqualTo(410);
        assertThat(json(get("upstream", "apple/Remote/1.2.3", JSON)).at("/resources/0/checksum").asText()).isEqualTo(sum);
        assertThat(h.get("upstream", "apple/Remote/1.2.3.zip").body()).isEqualTo(zip);
        assertThat(get("upstream", "apple/Remote/1.2.3/Package.swift", JSON).text()).startsWith("// swift-tools-version:5.9");
        assertThat(json(get("upstream", "identifiers?url=https://github.com/apple/Remote", JSON)).at("/identifiers/0")
                .asText()).isEqualTo("apple.Remote");
        // the virtual repository: both members, its own URLs, the unavailable release not the latest
        Response vl = get("all", "apple/Remote", JSON);
        assertThat(json(vl).at("/releases/1.2.3/url").asText()).isEqualTo("http://ak.test/swift/all/apple/Remote/1.2.3");
        assertThat(vl.header("Link").orElse("")).contains("/apple/Remote/1.2.3>; rel=\"latest-version\"");
        assertThat(h.get("all", "apple/Remote/1.2.3.zip").body()).isEqualTo(zip);
        assertThat(json(get("all", "mona/Local", JSON)).at("/releases/1.0.0/url").asText())
                .isEqualTo("http://ak.test/swift/all/mona/Local/1.0.0");
        assertThat(json(get("all", "identifiers?url=https://github.com/mona/Local", JSON)).at("/identifiers/0").asText())
                .isEqualTo("mona.Local");
        assertThat(get("upstream", "apple/Nothing", JSON).status()).isEqualTo(404);
    }
}
