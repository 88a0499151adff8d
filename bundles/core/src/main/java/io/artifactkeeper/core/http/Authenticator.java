package io.artifactkeeper.core.http;

import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.security.Principal;
import jakarta.servlet.http.HttpServletRequest;

/** Resolves the caller from whichever credential the request carries; what a caller may do before a password change. */
final class Authenticator {
    private Authenticator() {
    }

    static void authenticate(Exchange ex, CorePlatform c) {
        HttpServletRequest req = ex.request();
        String auth = req.getHeader("Authorization");
        if (auth == null) {
            String key = req.getHeader("X-NuGet-ApiKey");
            if (key == null) {
                key = req.getHeader("X-API-Key");
            }
            if (key != null && !key.isBlank()) {
                String k = key.trim();
                java.util.Optional<Principal> p = c.identity().fromApiToken(k);
                if (p.isEmpty() && k.indexOf(':') > 0) {
                    // NuGet clients carry one secret: an API token, or user:password where no token is used
                    p = c.identity().authenticate("Basic " + java.util.Base64.getEncoder()
                            .encodeToString(k.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
                ex.principal(p.orElseThrow(() -> ApiException.unauthorized("invalid API key")));
            }
            return;
        }
        c.identity().authenticate(auth).ifPresent(ex::principal);
    }

    /** Until a required password change, a user may log in and out, see who they are and change it. */
    static boolean mayActBeforePasswordChange(String method, String raw, Principal p) {
        if (raw.equals("/api/v1/auth/login") || raw.equals("/api/v1/auth/refresh") || raw.equals("/api/v1/auth/logout")
                || raw.equals("/api/v1/auth/me")) {
            return true;
        }
        return method.equals("POST") && raw.equals("/api/v1/users/" + p.userId() + "/password");
    }

}
