package io.artifactkeeper.core.console;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.http.ApiException;
import io.artifactkeeper.core.security.ClientAddress;
import io.artifactkeeper.core.security.Principal;
import io.artifactkeeper.core.security.Secrets;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Lets only Artifact Keeper administrators into the Felix Web Console, with the same credentials
 * as the API (Basic password, API token with the admin scope, or a JWT). The console is configured
 * to require this provider, so it has no password of its own and never a default one.
 *
 * <p>The console is where an operator repairs a broken runtime, so it must not lock them out when
 * the database (which holds the users) is down: then it accepts administrator passwords this
 * process has verified against the database (remembered as salted hashes, in memory only). Only
 * current credentials of current administrators: every remembered one is dropped when any
 * password, role or user changes, and the bootstrap {@code AK_ADMIN_PASSWORD} is never accepted by
 * itself (it may long have been rotated). Tokens are not remembered: they can be revoked without a
 * credentials change.
 */
@Component(service = SecurityProvider.class, property = SecurityProvider.PROPERTY_ID + "=artifact-keeper")
public final class ConsoleSecurityProvider implements SecurityProvider {

    private final String salt = UUID.randomUUID().toString();
    private final Set<String> verifiedAdmins = ConcurrentHashMap.newKeySet();
    private final Runnable forget = verifiedAdmins::clear;
    private volatile CorePlatform core;

    @Activate
    public ConsoleSecurityProvider() {
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCore(CorePlatform c) {
        c.identity().onCredentialsChanged(forget);
        this.core = c;
    }

    void unbindCore(CorePlatform c) {
        c.identity().removeCredentialsListener(forget);
        if (core == c) {
            core = null;
        }
    }

    /**
     * The console's own page policy: its scripts and styles from itself (Felix's pages need inline
     * ones), no plugins, not framed by other sites, forms posting only to itself. Artifact bytes
     * cannot script it either way: format routes serve them sandboxed (see ContentHeaders).
     */
    static final String CONSOLE_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    /**
     * Called by the console before every request to any of its pages (Felix's own: bundles,
     * configuration, ...; and ours). Besides authenticating, this is where a state-changing request
     * from another site is refused (CSRF: the browser would send the Basic credentials along), and
     * where every console page gets its security headers.
     */
    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONSOLE_CSP);
        response.setHeader("X-Frame-Options", "SAMEORIGIN");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");
        if (!ConsolePage.safeMethod(request.getMethod()) && !ConsolePage.sameOrigin(request)) {
            try {
                response.sendError(403, "cross-site request refused: the console accepts changes only from its own pages");
            } catch (java.io.IOException e) {
                // the client went away
            }
            return null;
        }
        String auth = request.getHeader("Authorization");
        CorePlatform c = core;
        boolean databaseAnswered = false;
        if (c != null && auth != null) {
            try {
                // console password guesses count against the same per-client throttle as the API's
                Optional<Principal> p = ClientAddress.with(request.getRemoteAddr(), () -> c.identity().authenticate(auth));
                databaseAnswered = true;
                // only an unrestricted credential: the console installs code, so a scoped token
                // (even one with the admin scope) must not open it
                if (p.isPresent() && p.get().admin() && p.get().scopes().contains("*")) {
                    if ("password".equals(p.get().via())) {
                        verifiedAdmins.add(fingerprint(auth));
                    }
                    return p.get();
                }
            } catch (ApiException e) {
                databaseAnswered = true; // wrong credentials
            } catch (RuntimeException e) {
                // the database is unavailable: fall through to the break-glass checks
            }
        }
        if (!databaseAnswered && auth != null && breakGlass(auth)) {
            return new Principal(new UUID(0, 0), "admin", true, Set.of("*"), "console-break-glass");
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"Artifact Keeper console\"");
        try {
            response.sendError(401);
        } catch (java.io.IOException e) {
            // the client went away
        }
        return null;
    }

    private boolean breakGlass(String auth) {
        return verifiedAdmins.contains(fingerprint(auth));
    }

    private String fingerprint(String auth) {
        return Secrets.sha256Hex(salt + "\u0000" + auth);
    }

    @Override
    public boolean authorize(Object user, String role) {
        return user instanceof Principal p && p.admin();
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // Basic credentials live in the browser; nothing to forget here
    }
}
