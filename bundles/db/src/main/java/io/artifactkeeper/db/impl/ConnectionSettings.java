package io.artifactkeeper.db.impl;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how to connect: the JDBC URL (credentials may also be in it), optional user and
 * password that override the URL's, the pool size, how long a caller waits for a connection before
 * the database is checked ({@code connectionTimeoutMs}: a database that is down fails the call
 * then), and how long in all a caller keeps waiting while the database answers and the pool is
 * merely busy ({@code busyWaitMs}).
 */
public record ConnectionSettings(String url, String username, String password, int poolSize,
        int connectionTimeoutMs, int busyWaitMs) {

    /** Default patience for a busy pool: 30 s. */
    public static final int DEFAULT_BUSY_WAIT_MS = 30_000;

    public ConnectionSettings(String url, String username, String password, int poolSize, int connectionTimeoutMs) {
        this(url, username, password, poolSize, connectionTimeoutMs, DEFAULT_BUSY_WAIT_MS);
    }

    public ConnectionSettings {
        Objects.requireNonNull(url, "url");
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("only PostgreSQL is supported; the URL must start with jdbc:postgresql: ("
                    + withoutParam(url, "password") + ")");
        }
        // A single connection would deadlock code that nests a second call inside a transaction.
        poolSize = Math.max(2, poolSize);
        // HikariCP refuses less than 250 ms.
        connectionTimeoutMs = Math.max(250, connectionTimeoutMs);
        busyWaitMs = Math.max(connectionTimeoutMs, busyWaitMs);
    }

    /** The URL without its password, for logs. */
    public String redactedUrl() {
        return withoutParam(url, "password");
    }

    /**
     * A non-pooled data source on these settings. The password travels as a connection property,
     * never in the URL, so that what the driver reports as its URL (Flyway logs it) has none.
     *
     * @param connectTimeoutS limit for opening a connection (TCP connect and login), seconds
     * @param socketTimeoutS limit for any single read from the server, seconds; 0 for none
     */
    PgDriverDataSource dataSource(int connectTimeoutS, int socketTimeoutS) {
        String connectUrl = redactedUrl();
        // Parameters in the URL win over properties in the driver: drop the URL's user when one is configured.
        if (!username.isEmpty()) {
            connectUrl = withoutParam(connectUrl, "user");
        }
        Properties props = new Properties();
        String user = username.isEmpty() ? null : username;
        String pw = password.isEmpty() ? paramValue(url, "password") : password;
        if (user != null) {
            props.setProperty("user", user);
        }
        if (pw != null) {
            props.setProperty("password", pw);
        }
        props.setProperty("connectTimeout", Integer.toString(connectTimeoutS));
        props.setProperty("loginTimeout", Integer.toString(connectTimeoutS));
        props.setProperty("socketTimeout", Integer.toString(socketTimeoutS));
        // Detects peers that vanished without closing the connection (host down, network cut).
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "artifact-keeper");
        return new PgDriverDataSource(connectUrl, props);
    }

    int connectTimeoutSeconds() {
        return Math.max(1, (connectionTimeoutMs + 999) / 1000);
    }

    /** {@code url} without the query parameter {@code name} (case-insensitive). */
    static String withoutParam(String url, String name) {
        Matcher m = param(name).matcher(url);
        return m.replaceAll(r -> {
            // Keep the separator before the parameter only when another parameter follows it.
            if (r.group(3) == null) {
                return "";
            }
            return r.group(1).equals("?") ? "?" : Matcher.quoteReplacement(r.group(1));
        });
    }

    /** The URL-decoded value of query parameter {@code name}, or null. */
    static String paramValue(String url, String name) {
        Matcher m = param(name).matcher(url);
        return m.find() ? URLDecoder.decode(m.group(2), StandardCharsets.UTF_8) : null;
    }

    private static Pattern param(String name) {
        return Pattern.compile("(?i)([?&])" + Pattern.quote(name) + "=([^&]*)(&)?");
    }

    @Override
    public String toString() {
        return "ConnectionSettings[url=" + redactedUrl() + ", username=" + username + ", poolSize=" + poolSize
                + ", connectionTimeoutMs=" + connectionTimeoutMs + "]";
    }
}
