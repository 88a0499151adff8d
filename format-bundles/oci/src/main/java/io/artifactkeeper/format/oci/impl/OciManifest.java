package io.artifactkeeper.format.oci.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.Json;

/**
 * A parsed and checked manifest: an image manifest (OCI or Docker schema 2) with its config and
 * layers, or an index (OCI image index or Docker manifest list) with its child manifests; plus the
 * OCI 1.1 {@code subject} and {@code artifactType}.
 *
 * @param mediaType the manifest's media type
 * @param index whether it lists other manifests
 * @param config the config descriptor (image manifests)
 * @param layers the layer descriptors (image manifests)
 * @param manifests the child manifest descriptors (indexes)
 * @param subject the manifest this one refers to, or null
 * @param artifactType the declared artifact type, or null
 * @param annotations annotations, possibly empty
 */
record OciManifest(String mediaType, boolean index, Descriptor config, List<Descriptor> layers,
        List<Descriptor> manifests, Descriptor subject, String artifactType, Map<String, Object> annotations) {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    static final Set<String> IMAGE_TYPES = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    static final Set<String> INDEX_TYPES = Set.of(OCI_INDEX, DOCKER_LIST);
    /** What a pull accepts, most specific first (sent upstream by remote repositories). */
    static final List<String> ACCEPT = List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);

    /** A content descriptor (image-spec "Descriptors"). */
    record Descriptor(String mediaType, String digest, long size, String artifactType, Map<String, Object> annotations,
            boolean external) {
    }

    /** Why a manifest is refused, with the OCI error code to answer. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final String code;

        Invalid(String code, String message) {
            super(message);
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    /**
     * Parses {@code bytes} as a manifest. {@code contentType} is the request's Content-Type (may be
     * null); when both it and the body's {@code mediaType} name a manifest type they must agree.
     */
    static OciManifest parse(byte[] bytes, String contentType) throws Invalid {
        JsonNode m = read(bytes);
        if (!m.isObject()) {
            throw new Invalid("MANIFEST_INVALID", "manifest must be a JSON object");
        }
        String header = baseType(contentType);
        String body = optString(m, "mediaType");
        JsonNode schema = m.get("schemaVersion");
        if (DOCKER_SCHEMA1.equals(header) || DOCKER_SCHEMA1_SIGNED.equals(header) || isInteger(schema, 1)) {
            throw new Invalid("MANIFEST_INVALID", "Docker image manifest schema 1 is not supported; push schema 2 or OCI");
        }
        if (!isInteger(schema, 2)) {
            throw new Invalid("MANIFEST_INVALID", "schemaVersion must be 2");
        }
        boolean headerKnown = header != null && (IMAGE_TYPES.contains(header) || INDEX_TYPES.contains(header));
        if (body != null && headerKnown && !body.equals(header)) {
            throw new Invalid("MANIFEST_INVALID", "mediaType " + body + " does not match Content-Type " + header);
        }
        String type = body != null ? body : headerKnown ? header : null;
        if (type == null) {
            // OCI allows mediaType to be absent: recognise the shape
            if (m.has("manifests")) {
                type = OCI_INDEX;
            } else if (m.has("config") || m.has("layers")) {
                type = OCI_MANIFEST;
            } else {
                throw new Invalid("MANIFEST_INVALID", "unknown manifest media type (none in the body or Content-Type)");
            }
        }
        boolean isIndex = INDEX_TYPES.contains(type); // type is never null here
        if (!isIndex && !IMAGE_TYPES.contains(type)) {
            throw new Invalid("MANIFEST_INVALID", "unsupported manifest media type " + type);
        }
        Descriptor subject = m.has("subject") ? descriptor(m.get("subject"), "subject") : null;
        String artifactType = optString(m, "artifactType");
        Map<String, Object> annotations = stringMap(m.get("annotations"), "annotations");
        if (isIndex) {
            if (m.has("config") || m.has("layers")) {
                throw new Invalid("MANIFEST_INVALID", "an index has no config or layers");
            }
            JsonNode children = m.get("manifests");
            if (children == null || !children.isArray()) {
                throw new Invalid("MANIFEST_INVALID", "an index needs a \"manifests\" array");
            }
            List<Descriptor> ds = new ArrayList<>();
            for (int k = 0; k < children.size(); k++) {
                ds.add(descriptor(children.get(k), "manifests[" + k + "]"));
            }
            return new OciManifest(type, true, null, List.of(), List.copyOf(ds), subject, artifactType, annotations);
        }
        if (m.has("manifests")) {
            throw new Invalid("MANIFEST_INVALID", "an image manifest has no \"manifests\"");
        }
        if (!m.has("config")) {
            throw new Invalid("MANIFEST_INVALID", "an image manifest needs a \"config\" descriptor");
        }
        Descriptor config = descriptor(m.get("config"), "config");
        JsonNode ls = m.get("layers");
        if (ls == null || !ls.isArray()) {
            throw new Invalid("MANIFEST_INVALID", "an image manifest needs a \"layers\" array");
        }
        List<Descriptor> layers = new ArrayList<>();
        for (int k = 0; k < ls.size(); k++) {
            layers.add(descriptor(ls.get(k), "layers[" + k + "]"));
        }
        return new OciManifest(type, false, config, List.copyOf(layers), List.of(), subject, artifactType, annotations);
    }

    /**
     * The manifest's JSON through the runtime's Jackson (bounded, duplicate keys refused). The bytes are
     * only read here: the registry stores and serves them as pushed, and their digest is the digest of
     * exactly those bytes, so nothing is ever written back from this tree.
     */
    private static JsonNode read(byte[] bytes) throws Invalid {
        try {
            // JSON is UTF-8 (RFC 8259): a manifest that is not is refused rather than read with U+FFFD in it
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new Invalid("MANIFEST_INVALID", "manifest is not valid JSON: not UTF-8");
        }
        try {
            return Json.readClient(new ByteArrayInputStream(bytes), bytes.length, "the manifest");
        } catch (FormatException | IOException e) {
            throw new Invalid("MANIFEST_INVALID", "manifest is not valid JSON: " + e.getMessage());
        }
    }

    private static boolean isInteger(JsonNode n, long value) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() == value;
    }

    private static Descriptor descriptor(JsonNode d, String where) throws Invalid {
        if (d == null || !d.isObject()) {
            throw new Invalid("MANIFEST_INVALID", where + " must be a descriptor object");
        }
        String mt = optString(d, "mediaType");
        if (mt == null || mt.isBlank()) {
            throw new Invalid("MANIFEST_INVALID", where + ".mediaType is required");
        }
        String digest = optString(d, "digest");
        if (!OciDigest.isWellFormed(digest)) {
            throw new Invalid("DIGEST_INVALID", where + ".digest is not a valid digest: " + digest);
        }
        if (digest.startsWith("sha256:") && !OciDigest.isSha256(digest)) {
            throw new Invalid("DIGEST_INVALID", where + ".digest is a malformed sha256 digest: " + digest);
        }
        JsonNode size = d.get("size");
        if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
            throw new Invalid("MANIFEST_INVALID", where + ".size must be a non-negative integer");
        }
        JsonNode urls = d.get("urls");
        return new Descriptor(mt, digest, size.asLong(), optString(d, "artifactType"), stringMap(d.get("annotations"),
                where + ".annotations"), urls != null && urls.isArray() && !urls.isEmpty());
    }

    private static String optString(JsonNode m, String key) throws Invalid {
        JsonNode v = m.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Invalid("MANIFEST_INVALID", "\"" + key + "\" must be a string");
        }
        return v.asText();
    }

    private static Map<String, Object> stringMap(JsonNode v, String where) throws Invalid {
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new Invalid("MANIFEST_INVALID", where + " must be an object of strings");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw new Invalid("MANIFEST_INVALID", where + " must be an object of strings");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** "application/x; charset=..." → "application/x"; null stays null. */
    static String baseType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    }

    /** The blobs a registry must hold before accepting this manifest (external layers excluded). */
    List<Descriptor> requiredBlobs() {
        if (index) {
            return List.of();
        }
        List<Descriptor> out = new ArrayList<>();
        out.add(config);
        for (Descriptor l : layers) {
            if (!l.external()) {
                out.add(l);
            }
        }
        return out;
    }

    /** The artifact type a referrers answer reports: artifactType, else (image manifests) the config's media type. */
    String effectiveArtifactType() {
        if (artifactType != null) {
            return artifactType;
        }
        return config != null ? config.mediaType() : null;
    }

    /** What to record with the stored manifest (for referrers, the catalog and the artifacts API). */
    Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("media_type", mediaType);
        if (subject != null) {
            a.put("subject", subject.digest());
        }
        String at = effectiveArtifactType();
        if (at != null) {
            a.put("artifact_type", at);
        }
        if (!annotations.isEmpty()) {
            a.put("annotations", annotations);
        }
        return a;
    }
}
