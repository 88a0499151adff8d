package io.artifactkeeper.api.auth;

/** Credentials were checked and are wrong. */
public class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }
}
