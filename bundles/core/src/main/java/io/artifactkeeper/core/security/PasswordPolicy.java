package io.artifactkeeper.core.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a new password must be: at least 8 characters (12 for administrators, whose password
 * opens the console and so the ability to install code), not the user name, and not a guessable one
 * ({@code common-passwords.txt}; a common word followed by digits or symbols counts as that word).
 */
public final class PasswordPolicy {
    public static final int MIN_LENGTH = 8;
    public static final int MIN_LENGTH_ADMIN = 12;
    private static final Set<String> COMMON = load();

    private PasswordPolicy() {
    }

    private static Set<String> load() {
        Set<String> out = new HashSet<>();
        try (InputStream in = PasswordPolicy.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-passwords.txt is missing from the bundle");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String w = line.trim();
                if (!w.isEmpty() && !w.startsWith("#")) {
                    out.add(w);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(out);
    }

    /** Why {@code password} is not acceptable for this user, or empty when it is. */
    public static Optional<String> problem(String username, String password, boolean admin) {
        int min = admin ? MIN_LENGTH_ADMIN : MIN_LENGTH;
        if (password == null || password.codePointCount(0, password.length()) < min) {
            return Optional.of("password must have at least " + min + " characters"
                    + (admin ? " for an administrator" : ""));
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (username != null && stem(lower).equals(username.toLowerCase(Locale.ROOT))) {
            return Optional.of("password must not be the user name");
        }
        if (COMMON.contains(lower) || COMMON.contains(stem(lower)) || COMMON.contains(stem(lower.replaceAll("^[0-9\\W_]+", "")))) {
            return Optional.of("password is too common; choose one that is not a well-known word or pattern");
        }
        return Optional.empty();
    }

    /** The password without trailing digits and symbols ("summer2024!" is "summer"). */
    static String stem(String lower) {
        int end = lower.length();
        while (end > 0 && !Character.isLetter(lower.charAt(end - 1))) {
            end--;
        }
        return lower.substring(0, end);
    }
}
