package io.artifactkeeper.core.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.artifactkeeper.api.net.OutboundPolicy;
import io.artifactkeeper.core.CorePlatform;

/**
 * The outbound address filter: http(s) only, and no address in the loopback, link-local, private,
 * shared (CGNAT), unspecified, multicast or reserved ranges unless {@code outbound_allow} names it.
 * Checked on the resolved addresses (a host name pointing at 127.0.0.1 is loopback), on every
 * address the name has (one bad record refuses the name), and again on every redirect by the
 * callers. IPv6 forms that carry an IPv4 address (mapped, compatible, 6to4, NAT64) are judged by
 * that address.
 */
@Component(service = {OutboundPolicy.class, OutboundFilter.class}, configurationPid = CorePlatform.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class OutboundFilter implements OutboundPolicy {

    /** The part of the core configuration this reads. */
    public @interface Config {
        /** CIDR ranges (or single addresses) outbound fetches may reach although they are not public. */
        String outbound_allow() default "";
    }

    /** How a host name becomes addresses (the system resolver; replaced in tests). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Address ranges nobody outside may make the server reach, with why. */
    private static final List<Range> DENIED = List.of(
            Range.parse("0.0.0.0/8", "unspecified"),
            Range.parse("10.0.0.0/8", "private"),
            Range.parse("100.64.0.0/10", "shared (CGNAT)"),
            Range.parse("127.0.0.0/8", "loopback"),
            Range.parse("169.254.0.0/16", "link-local"),
            Range.parse("172.16.0.0/12", "private"),
            Range.parse("192.0.0.0/24", "IETF protocol assignments"),
            Range.parse("192.168.0.0/16", "private"),
            Range.parse("198.18.0.0/15", "benchmarking"),
            Range.parse("224.0.0.0/4", "multicast"),
            Range.parse("240.0.0.0/4", "reserved"),
            Range.parse("::/128", "unspecified"),
            Range.parse("::1/128", "loopback"),
            Range.parse("fe80::/10", "link-local"),
            Range.parse("fec0::/10", "site-local"),
            Range.parse("fc00::/7", "unique local (private)"),
            Range.parse("ff00::/8", "multicast"));

    private final List<Range> allowed;
    private final Resolver resolver;

    @Activate
    public OutboundFilter(Config config) {
        this(split(config.outbound_allow()), InetAddress::getAllByName);
    }

    public OutboundFilter(List<String> allow, Resolver resolver) {
        List<Range> a = new ArrayList<>();
        for (String s : allow) {
            a.add(Range.parse(s, "allowed"));
        }
        this.allowed = List.copyOf(a);
        this.resolver = resolver;
    }

    /** Comma or white-space separated entries. */
    public static List<String> split(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.trim().split("[,\\s]+")).filter(x -> !x.isEmpty()).toList();
    }

    @Override
    public List<InetAddress> check(URI uri) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new OutboundRefusedException("outbound request to " + uri + " refused: only http and https URLs are fetched");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new OutboundRefusedException("outbound request to " + uri + " refused: the URL has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] all = resolver.resolve(host);
        if (all == null || all.length == 0) {
            throw new UnknownHostException(host);
        }
        for (InetAddress a : all) {
            Optional<String> why = refusal(a);
            if (why.isPresent()) {
                throw new OutboundRefusedException("outbound request to " + uri.getHost() + " (" + a.getHostAddress()
                        + ") refused: " + why.get() + " address; list it in outbound_allow (AK_OUTBOUND_ALLOW) to permit it");
            }
        }
        return List.of(all);
    }

    /** Why this address may not be reached, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        byte[] b = effective(address);
        for (Range r : allowed) {
            if (r.contains(b)) {
                return Optional.empty();
            }
        }
        for (Range r : DENIED) {
            if (r.contains(b)) {
                return Optional.of(r.why() + " (" + r.text() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * The bytes that decide: an IPv6 address carrying an IPv4 one is judged as that IPv4 address
     * (::ffff:a.b.c.d mapped, ::a.b.c.d compatible, 64:ff9b::/96 NAT64, 2002::/16 6to4).
     */
    static byte[] effective(InetAddress address) {
        byte[] b = address.getAddress();
        if (!(address instanceof Inet6Address) || b.length != 16) {
            return b;
        }
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) {
            zero80 &= b[i] == 0;
        }
        if (zero80 && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0 && !isZeroOrOne(b)))) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && allZero(b, 4, 12)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return Arrays.copyOfRange(b, 2, 6);
        }
        return b;
    }

    /** :: and ::1 are themselves, not IPv4-compatible forms of 0.0.0.0 and 0.0.0.1. */
    private static boolean isZeroOrOne(byte[] b) {
        return allZero(b, 0, 15) && (b[15] == 0 || b[15] == 1);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** An address range in CIDR notation (a bare address is a range of one). */
    record Range(byte[] network, int prefix, String text, String why) {
        static Range parse(String cidr, String why) {
            String s = cidr.trim();
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            if (addr.startsWith("[") && addr.endsWith("]")) {
                addr = addr.substring(1, addr.length() - 1);
            }
            if (!addr.matches("[0-9A-Fa-f:.]+")) {
                // literals only: a host name here would be resolved at start-up, and silently go stale
                throw new IllegalArgumentException("not an address range: " + cidr);
            }
            byte[] net;
            try {
                // a literal never goes to DNS; ::ffff:a.b.c.d comes back as IPv4
                net = InetAddress.getByName(addr).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address range: " + cidr, e);
            }
            int bits = net.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an address range: " + cidr, e);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix out of range in " + cidr);
            }
            return new Range(net, prefix, s, why);
        }

        boolean contains(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }
}
