package io.artifactkeeper.format.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A streaming multipart/form-data reader (RFC 7578) for upload bodies: parts come one after the
 * other, each body an {@link InputStream} that ends at the next boundary, so a file part can be
 * stored while it arrives without holding it anywhere. Every structural limit is bounded (header
 * size, number of parts, preamble); anything that does not follow the grammar, including a body
 * that ends before its closing boundary, raises {@link MalformedException}.
 */
public final class MultipartReader {
    /** Most parts one body may have. */
    public static final int MAX_PARTS = 10_000;
    /** Longest header block of one part. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Longest preamble before the first boundary. */
    public static final int MAX_PREAMBLE_BYTES = 64 * 1024;
    private static final int BUFFER = 64 * 1024;

    /** The body is not valid multipart/form-data. */
    public static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        public MalformedException(String message) {
            super(message);
        }
    }

    /** One part: its form field name, file name (for file parts) and body. */
    public static final class Part {
        private final String name;
        private final String filename;
        private final String contentType;
        private final InputStream body;

        Part(String name, String filename, String contentType, InputStream body) {
            this.name = name;
            this.filename = filename;
            this.contentType = contentType;
            this.body = body;
        }

        public String name() {
            return name;
        }

        /** The file name of a file part, or null for a plain field. */
        public String filename() {
            return filename;
        }

        public String contentType() {
            return contentType;
        }

        /** The body, ending at the part's boundary. */
        public InputStream body() {
            return body;
        }

        /** The body as UTF-8 text; more than {@code maxBytes} is a malformed request. */
        public String text(int maxBytes) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            for (int n; (n = body.read(b)) != -1;) {
                if (out.size() + n > maxBytes) {
                    throw new MalformedException("form field " + name + " is longer than " + maxBytes + " bytes");
                }
                out.write(b, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf;
    private int pos;
    private int end;
    private boolean eof;
    private boolean finished;
    private boolean started;
    private PartStream current;
    private int parts;

    public MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[Math.max(BUFFER, delimiter.length * 4)];
        // a virtual CRLF in front, so that the first boundary matches the same delimiter as the others
        buf[0] = '\r';
        buf[1] = '\n';
        end = 2;
    }

    /** The boundary of a {@code multipart/form-data} content type, if it is one. */
    public static Optional<String> boundary(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String[] params = contentType.split(";");
        // ";" alone splits into no strings at all
        if (params.length == 0 || !params[0].trim().toLowerCase(Locale.ROOT).equals("multipart/form-data")) {
            return Optional.empty();
        }
        for (int i = 1; i < params.length; i++) {
            String p = params[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String v = p.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                // RFC 2046: 1 to 70 characters
                if (v.isEmpty() || v.length() > 70) {
                    return Optional.empty();
                }
                for (char c : v.toCharArray()) {
                    if (c < 0x20 || c > 0x7e) {
                        return Optional.empty();
                    }
                }
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The next part, or null after the closing boundary. The previous part's unread body is skipped. */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (!started) {
            started = true;
            PartStream preamble = new PartStream();
            if (drain(preamble) > MAX_PREAMBLE_BYTES) {
                throw new MalformedException("no multipart boundary at the start of the body");
            }
        } else if (current != null) {
            drain(current);
        }
        current = null;
        fill(2);
        if (end - pos < 2) {
            throw new MalformedException("body ends after a boundary");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        // RFC 2046 allows linear whitespace after a boundary
        while (true) {
            fill(1);
            if (end - pos < 1) {
                throw new MalformedException("body ends after a boundary");
            }
            if (buf[pos] != ' ' && buf[pos] != '\t') {
                break;
            }
            pos++;
        }
        fill(2);
        if (end - pos < 2 || buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw new MalformedException("a boundary must be followed by CRLF");
        }
        pos += 2;
        if (++parts > MAX_PARTS) {
            throw new MalformedException("more than " + MAX_PARTS + " form fields");
        }
        String disposition = null;
        String type = null;
        int headerBytes = 0;
        while (true) {
            String line = readLine(MAX_HEADER_BYTES - headerBytes);
            headerBytes += line.length() + 2;
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedException("malformed part header: " + abbreviate(line));
            }
            String h = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String v = line.substring(colon + 1).trim();
            if (h.equals("content-disposition")) {
                disposition = v;
            } else if (h.equals("content-type")) {
                type = v;
            }
        }
        if (disposition == null) {
            throw new MalformedException("a part has no Content-Disposition");
        }
        String[] d = dispositionParams(disposition);
        if (d[0] == null) {
            throw new MalformedException("a part's Content-Disposition has no field name");
        }
        current = new PartStream();
        return new Part(d[0], d[1], type, current);
    }

    /** [name, filename] of a {@code form-data} disposition. */
    public static String[] dispositionParams(String v) throws MalformedException {
        int semi = v.indexOf(';');
        String kind = (semi < 0 ? v : v.substring(0, semi)).trim();
        if (!kind.equalsIgnoreCase("form-data")) {
            throw new MalformedException("part disposition is not form-data: " + abbreviate(kind));
        }
        String name = null;
        String filename = null;
        String filenameExt = null;
        int i = semi < 0 ? v.length() : semi + 1;
        while (i < v.length()) {
            while (i < v.length() && (v.charAt(i) == ' ' || v.charAt(i) == '\t' || v.charAt(i) == ';')) {
                i++;
            }
            int eq = v.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = v.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < v.length() && v.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < v.length()) {
                    char c = v.charAt(i++);
                    if (c == '\\' && i < v.length()) {
                        sb.append(v.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        sb.append(c);
                    }
                }
                if (!closed) {
                    throw new MalformedException("unterminated quoted string in Content-Disposition");
                }
                value = sb.toString();
            } else {
                int next = v.indexOf(';', i);
                value = (next < 0 ? v.substring(i) : v.substring(i, next)).trim();
                i = next < 0 ? v.length() : next;
            }
            switch (key) {
                case "name" -> name = value;
                case "filename" -> filename = value;
                case "filename*" -> filenameExt = value;
                default -> {
                    // other parameters carry nothing we use
                }
            }
        }
        if (filenameExt != null) {
            // RFC 5987: charset'language'percent-encoded
            int q1 = filenameExt.indexOf('\'');
            int q2 = q1 < 0 ? -1 : filenameExt.indexOf('\'', q1 + 1);
            if (q2 > 0) {
                try {
                    filename = percentDecode(filenameExt.substring(q2 + 1));
                } catch (IllegalArgumentException e) {
                    throw new MalformedException("malformed filename* in Content-Disposition");
                }
            }
        }
        return new String[] {name, filename};
    }

    private static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("bad escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private String readLine(int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            fill(2);
            if (end - pos < 2) {
                throw new MalformedException("body ends inside part headers");
            }
            if (buf[pos] == '\r' && buf[pos + 1] == '\n') {
                pos += 2;
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(buf[pos++]);
            if (line.size() > max) {
                throw new MalformedException("part headers longer than " + MAX_HEADER_BYTES + " bytes");
            }
        }
    }

    private static long drain(InputStream s) throws IOException {
        byte[] b = new byte[8192];
        long total = 0;
        for (int n; (n = s.read(b)) != -1;) {
            total += n;
        }
        return total;
    }

    /** Makes at least {@code n} bytes available from {@code pos}, unless the input ends first. */
    private void fill(int n) throws IOException {
        if (end - pos >= n || eof) {
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
        while (end - pos < n && !eof) {
            int r = in.read(buf, end, buf.length - end);
            if (r < 0) {
                eof = true;
            } else {
                end += r;
            }
        }
    }

    /**
     * Where the next delimiter starts, or -1; {@link #delimiterLength} then says how long it is. RFC
     * 2046's delimiter is CRLF "--" boundary; a bare LF before "--" boundary is taken too, as NuGet 2 on
     * Mono writes its closing delimiter so (the boundary never occurs in content, so a part cannot end
     * there by mistake).
     */
    private int indexOfDelimiter() {
        outer:
        for (int i = pos; i <= end - (delimiter.length - 1); i++) {
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j - 1] != delimiter[j]) {
                    continue outer;
                }
            }
            // the bytes before i were all kept unread (see PartStream.read), so a CR there is still in buf
            boolean cr = i > pos && buf[i - 1] == '\r';
            delimiterLength = cr ? delimiter.length : delimiter.length - 1;
            return cr ? i - 1 : i;
        }
        return -1;
    }

    private int delimiterLength;

    /** A part's body: the bytes up to the next delimiter, which it consumes at its end. */
    private final class PartStream extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            fill(delimiter.length);
            int idx = indexOfDelimiter();
            int avail;
            if (idx == pos) {
                done = true;
                pos += delimiterLength;
                return -1;
            } else if (idx > pos) {
                avail = idx - pos;
            } else {
                if (eof) {
                    throw new MalformedException("body ends before the closing multipart boundary");
                }
                // keep what could be the start of a delimiter for the next round
                avail = end - pos - (delimiter.length - 1);
            }
            int n = Math.min(len, avail);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
