package io.artifactkeeper.api.auth;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Checks a user name and password against an identity source. The core asks every provider, by
 * {@value #RANKING_PROPERTY} order, until one answers; the identity it returns is linked to a local
 * user (created on first login) and its groups mapped to local groups of the same name.
 *
 * <p>Register with service property {@value #SCHEME_PROPERTY} ("ldap", "oidc", "saml", ...).
 */
@ConsumerType
public interface AuthProvider {

    String SCHEME_PROPERTY = "auth.scheme";

    String RANKING_PROPERTY = "service.ranking";

    /**
     * Authenticates a password login. Empty: this provider does not know the user (the next one is
     * asked). Throws {@link AuthenticationException} when it knows the user and the password is wrong.
     */
    Optional<ExternalIdentity> authenticate(String username, char[] password) throws AuthenticationException;
}
