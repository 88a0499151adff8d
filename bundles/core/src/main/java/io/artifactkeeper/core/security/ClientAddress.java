package io.artifactkeeper.core.security;

import java.util.function.Supplier;

/**
 * The address of the client whose request this thread is serving, for throttling password checks
 * per client. A password reaches {@link IdentityService} through many paths (Basic on the API and
 * on every format route, npm login inside a format handler, the console); carrying the address
 * through each of their signatures would widen the format SPI for one counter. The dispatcher and
 * the console set it around a request; where it is not set, only the per-user throttle applies.
 */
public final class ClientAddress {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private ClientAddress() {
    }

    public static String current() {
        return CURRENT.get();
    }

    public static void set(String address) {
        CURRENT.set(address);
    }

    public static void clear() {
        CURRENT.remove();
    }

    /** Runs {@code work} with {@code address} as the current client, restoring what was there. */
    public static <T> T with(String address, Supplier<T> work) {
        String before = CURRENT.get();
        CURRENT.set(address);
        try {
            return work.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }
}
