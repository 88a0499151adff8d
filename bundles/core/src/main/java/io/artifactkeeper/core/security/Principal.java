package io.artifactkeeper.core.security;

import java.util.Set;
import java.util.UUID;

import io.artifactkeeper.api.format.Caller;

/**
 * An authenticated caller.
 *
 * @param userId the user
 * @param username the user name
 * @param admin whether the user is an administrator
 * @param scopes what the credential allows ("*" for a password or session, the token's scopes for an API token)
 * @param via how the caller authenticated: password, jwt, token
 * @param mustChangePassword the user must change their password before doing anything else
 */
public record Principal(UUID userId, String username, boolean admin, Set<String> scopes, String via,
        boolean mustChangePassword) {

    public Principal(UUID userId, String username, boolean admin, Set<String> scopes, String via) {
        this(userId, username, admin, scopes, via, false);
    }

    public boolean hasScope(String scope) {
        if (scopes.contains("*")) {
            return true;
        }
        if (scopes.contains("admin")) {
            return true;
        }
        return scopes.contains(scope);
    }

    public Caller toCaller() {
        return new Caller(username, userId.toString(), admin);
    }
}
