package io.artifactkeeper.format.rubygems.impl;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Ruby's {@code Marshal} format 4.8, written and read here (RubyGems serves its legacy indexes and
 * quick gemspecs in it). Values map to Java as: {@code nil} null, {@code true}/{@code false}
 * Boolean, Integer Long (BigInteger beyond 64 bits, however it was written), Float Double, String String (UTF-8 when it carries an
 * encoding, ISO-8859-1 for binary strings, so no byte is lost), Symbol {@link Sym}, Array List,
 * Hash Map (insertion order), an object {@link RObject}, a {@code marshal_dump}ed object
 * {@link UserMarshal} ({@code Gem::Version}, {@code Gem::Requirement}), a {@code _dump}ed one
 * {@link UserDef} ({@code Gem::Specification}, {@code Time}).
 *
 * <p>The reader is for bytes from clients and upstreams: it is bounded in depth, in the objects it
 * makes and in every declared length (never larger than what is left of the input), and refuses
 * anything else with a {@link MarshalException}.
 */
final class RubyMarshal {

    private RubyMarshal() {
    }

    /** A Ruby Symbol. */
    record Sym(String name) {
        Sym {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A plain Ruby object: its class and instance variables (names with their {@code @}). */
    record RObject(String className, Map<String, Object> ivars) {
    }

    /** An object dumped with {@code marshal_dump}: its class and what that returned. */
    record UserMarshal(String className, Object data) {
    }

    /** An object dumped with {@code _dump}: its class and the bytes that returned. */
    record UserDef(String className, byte[] data) {
    }

    /** The bytes are not Marshal 4.8, or exceed the reader's bounds. */
    static final class MarshalException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        MarshalException(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ writing

    /** {@code Marshal.dump(value)}. */
    static byte[] dump(Object value) {
        Writer w = new Writer();
        w.out.write(4);
        w.out.write(8);
        w.write(value);
        return w.out.toByteArray();
    }

    private static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Map<String, Integer> symbols = new HashMap<>();

        void write(Object v) {
            switch (v) {
                case null -> out.write('0');
                case Boolean b -> out.write(b ? 'T' : 'F');
                case Integer i -> write((long) i);
                case Long l -> {
                    if (l >= -(1L << 30) && l < (1L << 30)) {
                        out.write('i');
                        fixnum(l);
                    } else {
                        bignum(BigInteger.valueOf(l));
                    }
                }
                case BigInteger b -> bignum(b);
                case String s -> {
                    // a UTF-8 string: 'I' wraps it with its encoding instance variable E = true
                    out.write('I');
                    out.write('"');
                    bytes(s.getBytes(StandardCharsets.UTF_8));
                    fixnum(1);
                    symbol("E");
                    out.write('T');
                }
                case Sym s -> symbol(s.name());
                case List<?> l -> {
                    out.write('[');
                    fixnum(l.size());
                    for (Object o : l) {
                        write(o);
                    }
                }
                case Map<?, ?> m -> {
                    out.write('{');
                    fixnum(m.size());
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        write(e.getKey());
                        write(e.getValue());
                    }
                }
                case UserMarshal u -> {
                    out.write('U');
                    symbol(u.className());
                    write(u.data());
                }
                case UserDef u -> {
                    out.write('u');
                    symbol(u.className());
                    bytes(u.data());
                }
                case RObject o -> {
                    out.write('o');
                    symbol(o.className());
                    fixnum(o.ivars().size());
                    for (Map.Entry<String, Object> e : o.ivars().entrySet()) {
                        symbol(e.getKey());
                        write(e.getValue());
                    }
                }
                default -> throw new IllegalArgumentException("no Marshal form for " + v.getClass().getName());
            }
        }

        void symbol(String name) {
            Integer idx = symbols.get(name);
            if (idx != null) {
                out.write(';');
                fixnum(idx);
                return;
            }
            symbols.put(name, symbols.size());
            out.write(':');
            bytes(name.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] b) {
            fixnum(b.length);
            out.write(b, 0, b.length);
        }

        void bignum(BigInteger b) {
            out.write('l');
            out.write(b.signum() < 0 ? '-' : '+');
            byte[] be = b.abs().toByteArray();
            // little-endian 16-bit words
            int n = be.length;
            while (n > 0 && be[be.length - n] == 0) {
                n--;
            }
            int words = (n + 1) / 2;
            fixnum(words);
            for (int i = 0; i < words * 2; i++) {
                int at = be.length - 1 - i;
                out.write(i < n ? be[at] & 0xff : 0);
            }
        }

        /** Marshal's packed integer (what Ruby calls w_long). */
        void fixnum(long x) {
            if (x == 0) {
                out.write(0);
            } else if (x > 0 && x < 123) {
                out.write((int) (x + 5));
            } else if (x < 0 && x > -124) {
                out.write((int) ((x - 5) & 0xff));
            } else {
                byte[] buf = new byte[4];
                int i = 0;
                long v = x;
                do {
                    buf[i++] = (byte) (v & 0xff);
                    v >>= 8;
                } while (i < 4 && v != 0 && v != -1);
                out.write(x < 0 ? -i & 0xff : i);
                out.write(buf, 0, i);
            }
        }
    }

    // ------------------------------------------------------------------ reading

    /** Bounds of one read: nesting depth and the number of values made (objects, strings, elements). */
    record Limits(int maxDepth, int maxValues) {
        static Limits defaults() {
            return new Limits(64, 5_000_000);
        }
    }

    /** {@code Marshal.load(bytes)} within {@code limits}. */
    static Object load(byte[] bytes, Limits limits) throws MarshalException {
        Reader r = new Reader(bytes, limits);
        int major = r.u8();
        int minor = r.u8();
        if (major != 4 || minor > 8) {
            throw new MarshalException("not Marshal 4.8 (version " + major + "." + minor + ")");
        }
        Object v = r.value(0);
        if (r.at != bytes.length) {
            throw new MarshalException((bytes.length - r.at) + " bytes after the Marshal value");
        }
        return v;
    }

    static Object load(byte[] bytes) throws MarshalException {
        return load(bytes, Limits.defaults());
    }

    private static final class Reader {
        final byte[] b;
        final Limits limits;
        int at;
        int made;
        final List<String> symbols = new ArrayList<>();
        final List<Object> objects = new ArrayList<>();

        Reader(byte[] b, Limits limits) {
            this.b = b;
            this.limits = limits;
        }

        int u8() throws MarshalException {
            if (at >= b.length) {
                throw new MarshalException("the Marshal data ends early");
            }
            return b[at++] & 0xff;
        }

        void count() throws MarshalException {
            if (++made > limits.maxValues()) {
                throw new MarshalException("more than " + limits.maxValues() + " values");
            }
        }

        long fixnum() throws MarshalException {
            int c = (byte) u8();
            if (c == 0) {
                return 0;
            }
            if (c >= 5) {
                return c - 5;
            }
            if (c <= -5) {
                return c + 5;
            }
            if (c > 0) {
                long x = 0;
                for (int i = 0; i < c; i++) {
                    x |= (long) u8() << (8 * i);
                }
                return x;
            }
            int n = -c;
            long x = -1;
            for (int i = 0; i < n; i++) {
                x &= ~(0xffL << (8 * i));
                x |= (long) u8() << (8 * i);
            }
            return x;
        }

        /** A length or count: not negative, and no larger than what is left (each item takes a byte at least). */
        int length(int bytesPerItem) throws MarshalException {
            long n = fixnum();
            if (n < 0 || n * bytesPerItem > b.length - at) {
                throw new MarshalException("a length of " + n + " where " + (b.length - at) + " bytes are left");
            }
            return (int) n;
        }

        byte[] bytes() throws MarshalException {
            int n = length(1);
            byte[] out = new byte[n];
            System.arraycopy(b, at, out, 0, n);
            at += n;
            return out;
        }

        String symbol() throws MarshalException {
            int t = u8();
            if (t == ':') {
                return symbolBody();
            }
            if (t == ';') {
                return symlink();
            }
            if (t == 'I') {
                // a symbol with an encoding: its name, then its instance variables
                int inner = u8();
                if (inner != ':') {
                    throw new MarshalException("expected a symbol after I, found 0x" + Integer.toHexString(inner));
                }
                String s = symbolBody();
                skipIvars(0);
                return s;
            }
            throw new MarshalException("expected a symbol, found 0x" + Integer.toHexString(t));
        }

        String symbolBody() throws MarshalException {
            count();
            String s = new String(bytes(), StandardCharsets.UTF_8);
            symbols.add(s);
            return s;
        }

        String symlink() throws MarshalException {
            long i = fixnum();
            if (i < 0 || i >= symbols.size()) {
                throw new MarshalException("a symbol link to " + i + " of " + symbols.size());
            }
            return symbols.get((int) i);
        }

        void skipIvars(int depth) throws MarshalException {
            int n = length(2);
            for (int i = 0; i < n; i++) {
                symbol();
                value(depth + 1);
            }
        }

        int entry(Object placeholder) {
            objects.add(placeholder);
            return objects.size() - 1;
        }

        Object value(int depth) throws MarshalException {
            if (depth > limits.maxDepth()) {
                throw new MarshalException("nested deeper than " + limits.maxDepth());
            }
            count();
            int t = u8();
            switch (t) {
                case '0':
                    return null;
                case 'T':
                    return Boolean.TRUE;
                case 'F':
                    return Boolean.FALSE;
                case 'i':
                    return fixnum();
                case ':':
                    return new Sym(symbolBody());
                case ';':
                    return new Sym(symlink());
                case '@': {
                    long i = fixnum();
                    if (i < 0 || i >= objects.size() || objects.get((int) i) == null) {
                        throw new MarshalException("an object link to " + i + " of " + objects.size());
                    }
                    return objects.get((int) i);
                }
                case 'I': {
                    int slot = objects.size();
                    Object inner = value(depth + 1);
                    int n = length(2);
                    String encoding = null;
                    for (int i = 0; i < n; i++) {
                        String name = symbol();
                        Object v = value(depth + 1);
                        if (name.equals("E")) {
                            encoding = Boolean.TRUE.equals(v) ? "UTF-8" : "US-ASCII";
                        } else if (name.equals("encoding") && v instanceof String s) {
                            encoding = s;
                        }
                    }
                    if (inner instanceof String s && encoding != null && slot < objects.size()
                            && objects.get(slot) == inner) {
                        // the string was read as binary: decode it as the encoding it carries
                        String decoded = new String(s.getBytes(StandardCharsets.ISO_8859_1),
                                encoding.equalsIgnoreCase("UTF-8") ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
                        objects.set(slot, decoded);
                        return decoded;
                    }
                    return inner;
                }
                case '"': {
                    String s = new String(bytes(), StandardCharsets.ISO_8859_1);
                    entry(s);
                    return s;
                }
                case 'f': {
                    String s = new String(bytes(), StandardCharsets.ISO_8859_1);
                    Double d = switch (s) {
                        case "inf" -> Double.POSITIVE_INFINITY;
                        case "-inf" -> Double.NEGATIVE_INFINITY;
                        case "nan" -> Double.NaN;
                        default -> {
                            try {
                                yield Double.valueOf(s);
                            } catch (NumberFormatException e) {
                                throw new MarshalException("a malformed Float");
                            }
                        }
                    };
                    entry(d);
                    return d;
                }
                case 'l': {
                    int sign = u8();
                    if (sign != '+' && sign != '-') {
                        throw new MarshalException("a malformed Bignum sign");
                    }
                    int words = length(2);
                    byte[] be = new byte[words * 2 + 1];
                    for (int i = 0; i < words * 2; i++) {
                        be[be.length - 1 - i] = (byte) u8();
                    }
                    BigInteger v = sign == '-' ? new BigInteger(be).negate() : new BigInteger(be);
                    // Ruby has one Integer: a Bignum that fits is the same value as a Fixnum of it
                    Object out = v.bitLength() < 64 ? (Object) v.longValue() : v;
                    entry(out);
                    return out;
                }
                case '[': {
                    int n = length(1);
                    List<Object> l = new ArrayList<>(Math.min(n, 1024));
                    entry(l);
                    for (int i = 0; i < n; i++) {
                        l.add(value(depth + 1));
                    }
                    return l;
                }
                case '{':
                case '}': {
                    int n = length(2);
                    Map<Object, Object> m = new LinkedHashMap<>();
                    entry(m);
                    for (int i = 0; i < n; i++) {
                        Object k = value(depth + 1);
                        Object v = value(depth + 1);
                        m.put(hashable(k), v);
                    }
                    if (t == '}') {
                        value(depth + 1); // the default value
                    }
                    return m;
                }
                case 'o': {
                    String cls = symbol();
                    int slot = entry(null);
                    int n = length(2);
                    Map<String, Object> ivars = new LinkedHashMap<>();
                    RObject o = new RObject(cls, ivars);
                    objects.set(slot, o);
                    for (int i = 0; i < n; i++) {
                        String name = symbol();
                        ivars.put(name, value(depth + 1));
                    }
                    return o;
                }
                case 'S': {
                    String cls = symbol();
                    int slot = entry(null);
                    int n = length(2);
                    Map<String, Object> members = new LinkedHashMap<>();
                    RObject o = new RObject(cls, members);
                    objects.set(slot, o);
                    for (int i = 0; i < n; i++) {
                        String name = symbol();
                        members.put(name, value(depth + 1));
                    }
                    return o;
                }
                case 'U': {
                    String cls = symbol();
                    int slot = entry(null);
                    Object data = value(depth + 1);
                    UserMarshal u = new UserMarshal(cls, data);
                    objects.set(slot, u);
                    return u;
                }
                case 'u': {
                    String cls = symbol();
                    UserDef u = new UserDef(cls, bytes());
                    entry(u);
                    return u;
                }
                case 'e':
                case 'C': {
                    symbol(); // the module extended with, or the user class of a String/Array/Hash
                    return value(depth + 1);
                }
                case 'c':
                case 'm':
                case 'M': {
                    String name = new String(bytes(), StandardCharsets.UTF_8);
                    RObject o = new RObject(t == 'c' ? "Class" : "Module", Map.of("name", name));
                    entry(o);
                    return o;
                }
                case '/': {
                    String src = new String(bytes(), StandardCharsets.ISO_8859_1);
                    u8(); // options
                    RObject o = new RObject("Regexp", Map.of("source", src));
                    entry(o);
                    return o;
                }
                case 'd': {
                    throw new MarshalException("a T_DATA object cannot be read");
                }
                default:
                    throw new MarshalException("unknown Marshal type 0x" + Integer.toHexString(t));
            }
        }

        /** Keys of Java maps must not change: lists and maps as keys are kept by identity in a holder. */
        private static Object hashable(Object k) {
            return k instanceof List<?> || k instanceof Map<?, ?> ? new IdentityKey(k) : k;
        }
    }

    /** A mutable Ruby value used as a hash key, compared by identity. */
    static final class IdentityKey {
        final Object value;

        IdentityKey(Object value) {
            this.value = value;
        }
    }

    // ------------------------------------------------------------------ RubyGems' classes

    /** {@code Gem::Version.new(v)} as Marshal holds it. */
    static UserMarshal version(String v) {
        return new UserMarshal("Gem::Version", List.of(v));
    }

    /** {@code Gem::Requirement} of {@code [op, version]} pairs. */
    static UserMarshal requirement(List<String[]> pairs) {
        List<Object> reqs = new ArrayList<>();
        for (String[] p : pairs) {
            reqs.add(List.of(p[0], version(p[1])));
        }
        return new UserMarshal("Gem::Requirement", List.of(reqs));
    }

    /** The version string of a {@code Gem::Version} value, or null when it is not one. */
    static String versionOf(Object v) {
        if (v instanceof UserMarshal u && u.className().equals("Gem::Version") && u.data() instanceof List<?> l
                && l.size() == 1 && l.get(0) instanceof String s) {
            return s;
        }
        return null;
    }
}
