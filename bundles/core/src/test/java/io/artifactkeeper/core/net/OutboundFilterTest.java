package io.artifactkeeper.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.artifactkeeper.api.net.OutboundPolicy.OutboundRefusedException;

class OutboundFilterTest {

    /** Names resolve from this table only: no DNS in unit tests. */
    private static final Map<String, String[]> DNS = Map.of(
            "public.example", new String[] {"93.184.215.14"},
            "rebind.example", new String[] {"93.184.215.14", "127.0.0.1"},
            "metadata.example", new String[] {"169.254.169.254"},
            "v6.example", new String[] {"2606:2800:21f:cb07:6820:80da:af6b:8b2c"});

    private static OutboundFilter filter(String... allow) {
        return new OutboundFilter(List.of(allow), host -> {
            String[] a = DNS.get(host);
            if (a == null) {
                if (host.matches("[0-9a-fA-F:.]+")) {
                    return new InetAddress[] {InetAddress.getByName(host)};
                }
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = InetAddress.getByName(a[i]);
            }
            return out;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/", "http://127.1.2.3:8080/x", "http://0.0.0.0/", "http://10.1.2.3/",
        "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/", "http://[::1]/", "http://[::]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://[fc00::5]/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "http://[::127.0.0.1]/", "http://[64:ff9b::a00:1]/",
        "http://[2002:7f00:1::]/", "http://224.0.0.1/", "http://255.255.255.255/", "http://metadata.example/",
        "http://rebind.example/"})
    void refusesNonPublicAddresses(String url) {
        assertThatThrownBy(() -> filter().check(URI.create(url))).isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("refused").hasMessageContaining("AK_OUTBOUND_ALLOW");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://public.example/simple/", "http://93.184.215.14/", "http://172.32.0.1/",
        "http://172.15.255.255/", "http://100.128.0.1/", "https://v6.example/", "http://[2606:4700::1111]/",
        "http://[::ffff:93.184.215.14]/"})
    void allowsPublicAddresses(String url) throws Exception {
        assertThat(filter().check(URI.create(url))).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://public.example/", "ssh://public.example/x.git", "gopher://x/",
        "jar:file:/x.jar!/", "/relative/path"})
    void refusesOtherSchemes(String url) {
        assertThatThrownBy(() -> filter().check(URI.create(url))).isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("only http and https");
    }

    @Test
    void allowListOpensExactlyItsRanges() throws Exception {
        OutboundFilter f = filter("127.0.0.1/32", "10.20.0.0/16", "fd12::/16");
        assertThat(f.check(URI.create("http://127.0.0.1:9000/"))).hasSize(1);
        assertThat(f.check(URI.create("http://10.20.3.4/"))).hasSize(1);
        assertThat(f.check(URI.create("http://[fd12::1]/"))).hasSize(1);
        // IPv4-mapped form of an allowed address is the same address
        assertThat(f.check(URI.create("http://[::ffff:127.0.0.1]/"))).hasSize(1);
        assertThatThrownBy(() -> f.check(URI.create("http://127.0.0.2/"))).isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> f.check(URI.create("http://10.21.0.1/"))).isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("private");
        assertThatThrownBy(() -> f.check(URI.create("http://[fd13::1]/"))).isInstanceOf(OutboundRefusedException.class);
        assertThatThrownBy(() -> f.check(URI.create("http://[::1]/"))).isInstanceOf(OutboundRefusedException.class);
    }

    @Test
    void aBareAddressIsARangeOfOne() throws Exception {
        OutboundFilter f = filter("192.168.7.7", "::1");
        assertThat(f.check(URI.create("http://192.168.7.7/"))).hasSize(1);
        assertThat(f.check(URI.create("http://[::1]/"))).hasSize(1);
        assertThatThrownBy(() -> f.check(URI.create("http://192.168.7.8/"))).isInstanceOf(OutboundRefusedException.class);
    }

    @Test
    void cidrBoundariesAreExact() {
        OutboundFilter.Range r = OutboundFilter.Range.parse("172.16.0.0/12", "x");
        assertThat(r.contains(new byte[] {(byte) 172, 16, 0, 0})).isTrue();
        assertThat(r.contains(new byte[] {(byte) 172, 31, (byte) 255, (byte) 255})).isTrue();
        assertThat(r.contains(new byte[] {(byte) 172, 32, 0, 0})).isFalse();
        assertThat(r.contains(new byte[] {(byte) 172, 15, (byte) 255, (byte) 255})).isFalse();
        OutboundFilter.Range all = OutboundFilter.Range.parse("0.0.0.0/0", "x");
        assertThat(all.contains(new byte[] {8, 8, 8, 8})).isTrue();
        assertThat(all.contains(new byte[16])).isFalse(); // families never mix
    }

    @Test
    void oneBadRecordRefusesTheName() {
        // a name with a public and a loopback record could be connected to either
        assertThatThrownBy(() -> filter().check(URI.create("https://rebind.example/"))).hasMessageContaining("127.0.0.1");
    }

    @Test
    void unknownHostsAreNotRefusalsButFailures() {
        assertThatThrownBy(() -> filter().check(URI.create("http://nowhere.example/")))
                .isInstanceOf(UnknownHostException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/x", ""})
    void badAllowEntriesAreRejectedAtConfiguration(String entry) {
        assertThatThrownBy(() -> filter(entry)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allowListSplitsOnCommasAndSpaces() {
        assertThat(OutboundFilter.split(" 127.0.0.1/32, 10.0.0.0/8  ::1 ")).containsExactly("127.0.0.1/32", "10.0.0.0/8", "::1");
        assertThat(OutboundFilter.split("")).isEmpty();
    }
}
