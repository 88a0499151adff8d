package io.artifactkeeper.api.auth;

import java.util.List;

/**
 * A user as an identity source knows them.
 *
 * @param provider the scheme that vouched for them ("ldap")
 * @param username the login name
 * @param email email, or null
 * @param displayName display name, or null
 * @param groups group names in the source
 */
public record ExternalIdentity(String provider, String username, String email, String displayName, List<String> groups) {

    public ExternalIdentity {
        groups = List.copyOf(groups == null ? List.of() : groups);
    }
}
