package io.artifactkeeper.core.http;

import java.io.IOException;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A refusal often comes before the request's body was read (a route that does not exist, a
 * permission, a format that rejects an upload early). The connection is then only reusable once
 * the rest of the body is consumed; Jetty closes it otherwise, after a response that did not say
 * so, and a client that already sent its next request on it gets no answer at all. So: read a
 * small rest away, and for a large one announce {@code Connection: close} before the answer.
 */
final class UnreadBody {
    /** Bodies up to this many unread bytes are read away; longer ones close the connection. */
    static final int DRAIN_LIMIT = 1 << 20;

    private UnreadBody() {
    }

    static void beforeRefusal(HttpServletRequest req, HttpServletResponse resp) {
        if (resp.isCommitted() || (req.getContentLengthLong() == 0 && req.getHeader("Transfer-Encoding") == null)) {
            return;
        }
        try {
            ServletInputStream in = req.getInputStream();
            byte[] buf = new byte[16 * 1024];
            long drained = 0;
            while (!in.isFinished() && drained < DRAIN_LIMIT) {
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                drained += n;
            }
            if (!in.isFinished()) {
                resp.setHeader("Connection", "close");
            }
        } catch (IOException | IllegalStateException e) {
            // a body that cannot be read further (or was read as characters): do not reuse the connection
            resp.setHeader("Connection", "close");
        }
    }
}
