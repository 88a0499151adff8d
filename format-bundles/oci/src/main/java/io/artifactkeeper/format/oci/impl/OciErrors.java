package io.artifactkeeper.format.oci.impl;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.format.support.Json;

/**
 * The OCI error envelope {@code {"errors":[{"code","message","detail"}]}} (distribution-spec "Error
 * Codes"), the mapping of the core's error codes onto the spec's, and the registry token challenge.
 */
final class OciErrors {
    static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";
    static final String API_VERSION = "registry/2.0";

    /** The codes of the distribution spec (and Docker's TOOMANYREQUESTS). */
    static final Set<String> SPEC_CODES = Set.of("BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN",
            "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID",
            "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS");

    private static final Map<String, String> FROM_CORE = Map.ofEntries(Map.entry("FORBIDDEN", "DENIED"),
            Map.entry("NOT_FOUND", "NAME_UNKNOWN"), Map.entry("CHECKSUM_MISMATCH", "DIGEST_INVALID"),
            Map.entry("METHOD_NOT_ALLOWED", "UNSUPPORTED"), Map.entry("RATE_LIMITED", "TOOMANYREQUESTS"),
            Map.entry("TOO_LARGE", "SIZE_INVALID"), Map.entry("QUOTA_EXCEEDED", "DENIED"),
            Map.entry("CONFLICT", "DENIED"), Map.entry("UPLOAD_UNKNOWN", "BLOB_UPLOAD_UNKNOWN"),
            Map.entry("UPLOAD_OUT_OF_ORDER", "BLOB_UPLOAD_INVALID"), Map.entry("BAD_REQUEST", "NAME_INVALID"),
            Map.entry("INVALID_ARTIFACT", "MANIFEST_INVALID"), Map.entry("DEMO_MODE", "DENIED"));

    private OciErrors() {
    }

    /** An expected failure carrying an OCI code and optional detail. */
    static final class OciException extends FormatException {
        private static final long serialVersionUID = 1L;
        private final transient Object detail;

        OciException(int status, String code, String message, Object detail) {
            super(status, code, message);
            this.detail = detail;
        }

        Object detail() {
            return detail;
        }
    }

    static OciException error(int status, String code, String message) {
        return new OciException(status, code, message, null);
    }

    static OciException error(int status, String code, String message, Object detail) {
        return new OciException(status, code, message, detail);
    }

    static String specCode(String code) {
        if (code == null) {
            return "UNKNOWN";
        }
        return SPEC_CODES.contains(code) ? code : FROM_CORE.getOrDefault(code, code);
    }

    static FormatResponse envelope(int status, String code, String message, Object detail) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", specCode(code));
        e.put("message", message == null ? "" : message);
        e.put("detail", detail == null ? Map.of() : detail);
        byte[] body = Json.bytesOf(Map.of("errors", List.of(e)));
        return FormatResponse.status(status).body("application/json", body).header(API_VERSION_HEADER, API_VERSION);
    }

    /**
     * {@code Bearer realm="{server}/v2/token",service="{host}"[,scope="repository:{name}:{actions}"]}
     * (Docker "Token Authentication Specification").
     */
    static String challenge(String serverUrl, String scopeRepository, String actions) {
        StringBuilder sb = new StringBuilder("Bearer realm=\"").append(serverUrl).append("/v2/token\",service=\"")
                .append(service(serverUrl)).append('"');
        if (scopeRepository != null) {
            sb.append(",scope=\"repository:").append(scopeRepository).append(':').append(actions).append('"');
        }
        return sb.toString();
    }

    /** The token service name: the registry's host[:port]. */
    static String service(String serverUrl) {
        try {
            URI u = URI.create(serverUrl);
            return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        } catch (IllegalArgumentException e) {
            return serverUrl;
        }
    }
}
