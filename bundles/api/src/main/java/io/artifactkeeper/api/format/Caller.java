package io.artifactkeeper.api.format;

/**
 * Who is making a request.
 *
 * @param username the user name, or null when anonymous
 * @param userId the user id, or null when anonymous
 * @param admin whether the caller is an administrator
 */
public record Caller(String username, String userId, boolean admin) {

    private static final Caller ANONYMOUS = new Caller(null, null, false);

    public static Caller anonymous() {
        return ANONYMOUS;
    }

    public boolean isAnonymous() {
        return username == null;
    }
}
