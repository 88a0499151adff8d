package io.artifactkeeper.db.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

    private static String redact(String url) {
        return new ConnectionSettings(url, null, "secret", 16, 3000).redactedUrl();
    }

    @Test
    void passwordsNeverShowInTheDescription() {
        assertThat(redact("jdbc:postgresql://db:5432/ak")).isEqualTo("jdbc:postgresql://db:5432/ak");
        assertThat(redact("jdbc:postgresql://db/ak?user=ak&password=s3cr3t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/ak?user=ak&ssl=true");
        assertThat(redact("jdbc:postgresql://db/ak?password=s3cr3t&user=ak")).isEqualTo("jdbc:postgresql://db/ak?user=ak");
        assertThat(redact("jdbc:postgresql://db/ak?user=ak&PASSWORD=s3cr3t")).isEqualTo("jdbc:postgresql://db/ak?user=ak");
        assertThat(redact("jdbc:postgresql://db/ak?password=s3cr3t")).isEqualTo("jdbc:postgresql://db/ak");
        ConnectionSettings s = new ConnectionSettings("jdbc:postgresql://db/ak?password=x", "u", "pw", 16, 3000);
        assertThat(s.toString()).doesNotContain("pw").doesNotContain("password=x");
    }

    @Test
    void thePasswordTravelsAsAPropertyNotInTheUrl() throws Exception {
        PgDriverDataSource ds = new ConnectionSettings("jdbc:postgresql://db/ak?user=a&password=p%26w&ssl=false", null, null,
                16, 3000).dataSource(3, 0);
        assertThat(ds.url()).isEqualTo("jdbc:postgresql://db/ak?user=a&ssl=false");
        assertThat(ds.properties().getProperty("password")).isEqualTo("p&w");

        // configured credentials win over the URL's
        ds = new ConnectionSettings("jdbc:postgresql://db/ak?user=a&password=p", "b", "q", 16, 3000).dataSource(3, 0);
        assertThat(ds.url()).isEqualTo("jdbc:postgresql://db/ak");
        assertThat(ds.properties()).containsEntry("user", "b").containsEntry("password", "q");
        assertThat(ConnectionSettings.paramValue("jdbc:postgresql://db/ak?user=a&password=p%26w", "password"))
                .isEqualTo("p&w");
        assertThat(ds.getLoginTimeout()).isEqualTo(3);
    }

    @Test
    void onlyPostgresql() {
        assertThatThrownBy(() -> new ConnectionSettings("jdbc:mysql://db/ak?password=x", null, null, 16, 3000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("password=x");
    }

    @Test
    void limitsAreClamped() {
        ConnectionSettings s = new ConnectionSettings("jdbc:postgresql://db/ak", null, null, 0, 10);
        assertThat(s.poolSize()).isEqualTo(2);
        assertThat(s.connectionTimeoutMs()).isEqualTo(250);
        assertThat(s.connectTimeoutSeconds()).isEqualTo(1);
        assertThat(new ConnectionSettings("jdbc:postgresql://db/ak", null, null, 16, 3000).connectTimeoutSeconds())
                .isEqualTo(3);
    }
}
