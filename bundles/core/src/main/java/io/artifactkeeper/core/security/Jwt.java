package io.artifactkeeper.core.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * HS256 JSON Web Tokens (RFC 7519) for access and refresh tokens. Only HS256 is accepted on
 * verification, whatever the header says, so "alg":"none" and algorithm confusion cannot work.
 */
public final class Jwt {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getUrlDecoder();
    private static final byte[] HEADER = ENC.encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final byte[] key;

    public Jwt(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("JWT key must have at least 256 bits");
        }
        this.key = key.clone();
    }

    public String sign(Map<String, Object> claims) {
        try {
            String payload = ENC.encodeToString(MAPPER.writeValueAsBytes(claims));
            String signingInput = new String(HEADER, StandardCharsets.US_ASCII) + "." + payload;
            return signingInput + "." + ENC.encodeToString(mac(signingInput));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    /**
     * Verifies signature and expiry; returns the claims, or null when the token is not one of ours
     * or has expired.
     */
    public Map<String, Object> verify(String token, long nowEpochSeconds) {
        int a = token.indexOf('.');
        int b = token.lastIndexOf('.');
        if (a <= 0 || b <= a) {
            return null;
        }
        try {
            Map<String, Object> header = MAPPER.readValue(DEC.decode(token.substring(0, a)), new TypeReference<>() {
            });
            if (!"HS256".equals(header.get("alg"))) {
                return null;
            }
            byte[] expected = mac(token.substring(0, b));
            byte[] actual = DEC.decode(token.substring(b + 1));
            if (!MessageDigest.isEqual(expected, actual)) {
                return null;
            }
            Map<String, Object> claims = MAPPER.readValue(DEC.decode(token.substring(a + 1, b)), new TypeReference<LinkedHashMap<String, Object>>() {
            });
            Object exp = claims.get("exp");
            if (!(exp instanceof Number n) || n.longValue() <= nowEpochSeconds) {
                return null;
            }
            return claims;
        } catch (IllegalArgumentException | java.io.IOException | GeneralSecurityException e) {
            return null;
        }
    }

    /** Whether {@code s} has the shape of a JWT (three base64url parts). */
    public static boolean looksLikeJwt(String s) {
        return s.startsWith("eyJ") && s.chars().filter(c -> c == '.').count() == 2;
    }

    private byte[] mac(String input) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    }
}
