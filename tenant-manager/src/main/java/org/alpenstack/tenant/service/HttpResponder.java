package org.alpenstack.tenant.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.alpenstack.kernel.socket.Errno;

/**
 * A tiny HTTP/1.1 responder (RFC 9112) for testing an instance from Linux with curl:
 *
 * <ul>
 *   <li>{@code GET /bytes/N}: N bytes of the RFC 864 character pattern ({@link Chargen}), so the
 *       client can check them; {@code HEAD} likewise without the body.
 *   <li>{@code POST} or {@code PUT} to any path: the body (Content-Length or chunked) is
 *       discarded; the reply is {@code {"received": N, "sha256": "..."}}, so an upload can be
 *       checked byte for byte; to {@code /discard} the digest is skipped (throughput tests).
 *   <li>{@code GET /}: a short text saying the above.
 * </ul>
 *
 * Persistent connections and pipelined requests work; {@code Expect: 100-continue} is answered
 * at once. The request head is limited to 16 KiB (431 beyond).
 */
final class HttpResponder extends TcpConnectionHandler {
    private static final int MAX_HEAD = 16 * 1024;
    private static final long MAX_BYTES = 1L << 40;

    private enum State { HEAD, BODY, RESPOND }

    private enum Chunk { SIZE, DATA, DATA_END, TRAILER }

    private final byte[] in = new byte[64 * 1024];
    private final byte[] out = new byte[64 * 1024];
    private int inStart;
    private int inEnd;
    private boolean eof;
    private State state = State.HEAD;

    // the request being read
    private String method;
    private boolean keepAlive;
    private long bodyLeft;
    private boolean chunked;
    private Chunk chunk;
    private long bodyReceived;
    private MessageDigest sha;

    // the response being written
    private byte[] head;
    private int headOff;
    private long bodyRemaining;
    private long bodyPos;

    @Override
    protected void step(int events) {
        while (!isClosed()) {
            if (state == State.RESPOND) {
                if (!writeResponse()) {
                    return;
                }
                if (!keepAlive) {
                    finish();
                    return;
                }
                state = State.HEAD;
                continue;
            }
            consume();
            if (state == State.RESPOND || isClosed()) {
                continue;
            }
            if (eof) {
                if (state == State.HEAD && inStart == inEnd) {
                    finish();
                } else {
                    close();
                }
                return;
            }
            if (inStart == inEnd) {
                inStart = 0;
                inEnd = 0;
            } else if (inEnd == in.length) {
                System.arraycopy(in, inStart, in, 0, inEnd - inStart);
                inEnd -= inStart;
                inStart = 0;
            }
            int n = socket.read(in, inEnd, in.length - inEnd);
            if (n == -Errno.EAGAIN) {
                return;
            }
            if (n == 0) {
                eof = true;
                continue;
            }
            if (n < 0) {
                close();
                return;
            }
            inEnd += n;
        }
    }

    /** Takes what it can from the input buffer: a request head, body bytes, or chunk framing. */
    private void consume() {
        while (state != State.RESPOND && !isClosed()) {
            if (state == State.HEAD) {
                if (inStart == inEnd) {
                    return;
                }
                int end = find(in, inStart, inEnd, "\r\n\r\n");
                if (end < 0) {
                    if (inEnd - inStart >= MAX_HEAD) {
                        respond(431, "Request Header Fields Too Large", "text/plain", "request head over 16 KiB\n", false);
                    }
                    return;
                }
                String text = new String(in, inStart, end - inStart, StandardCharsets.ISO_8859_1);
                inStart = end + 4;
                onHead(text);
            } else {
                int before = inStart;
                Chunk c = chunk;
                consumeBody();
                if (state == State.BODY && inStart == before && chunk == c) {
                    return; // needs more input
                }
            }
        }
    }

    private void onHead(String text) {
        String[] lines = text.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            respond(400, "Bad Request", "text/plain", "malformed request line\n", false);
            return;
        }
        method = requestLine[0];
        String path = requestLine[1];
        boolean http11 = requestLine[2].equals("HTTP/1.1");
        keepAlive = http11;
        long contentLength = -1;
        chunked = false;
        boolean expectContinue = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        respond(400, "Bad Request", "text/plain", "bad Content-Length\n", false);
                        return;
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                case "connection" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    if (v.contains("close")) {
                        keepAlive = false;
                    } else if (v.contains("keep-alive")) {
                        keepAlive = true;
                    }
                }
                case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
                default -> { }
            }
        }
        if (method.equals("POST") || method.equals("PUT")) {
            if (expectContinue) {
                byte[] cont = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
                if (write(cont, 0, cont.length) != cont.length) {
                    close();
                    return;
                }
            }
            sha = path.equals("/discard") ? null : sha256();
            bodyReceived = 0;
            bodyLeft = chunked ? 0 : Math.max(0, contentLength);
            chunk = chunked ? Chunk.SIZE : null;
            state = State.BODY;
            if (!chunked && bodyLeft == 0) {
                uploaded();
            }
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            respond(405, "Method Not Allowed", "text/plain", "GET, HEAD, POST or PUT\n", keepAlive);
            return;
        }
        if (path.startsWith("/bytes/")) {
            long n;
            try {
                n = Long.parseLong(path.substring("/bytes/".length()));
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n > MAX_BYTES) {
                respond(400, "Bad Request", "text/plain", "use /bytes/N with 0 <= N <= 2^40\n", keepAlive);
                return;
            }
            startResponse(200, "OK", "application/octet-stream", n, keepAlive);
            bodyRemaining = method.equals("HEAD") ? 0 : n;
            bodyPos = 0;
            head = headBytes;
            return;
        }
        if (path.equals("/")) {
            respond(200, "OK", "text/plain", "Alpenstack instance HTTP responder\n  GET /bytes/N   N bytes (RFC 864 pattern)\n"
                    + "  POST /any      body discarded; replies with its length and SHA-256\n", keepAlive);
            return;
        }
        respond(404, "Not Found", "text/plain", "no such resource; try /bytes/1000\n", keepAlive);
    }

    private void consumeBody() {
        if (!chunked) {
            int take = (int) Math.min(bodyLeft, inEnd - inStart);
            digest(take);
            inStart += take;
            bodyLeft -= take;
            bodyReceived += take;
            if (bodyLeft == 0) {
                uploaded();
            }
            return;
        }
        // RFC 9112 7.1: chunk-size [ext] CRLF, data CRLF, ..., 0 CRLF, trailers, CRLF.
        switch (chunk) {
            case SIZE -> {
                int eol = find(in, inStart, inEnd, "\r\n");
                if (eol < 0) {
                    return;
                }
                String line = new String(in, inStart, eol - inStart, StandardCharsets.ISO_8859_1);
                inStart = eol + 2;
                int semi = line.indexOf(';');
                try {
                    bodyLeft = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    respond(400, "Bad Request", "text/plain", "bad chunk size\n", false);
                    return;
                }
                chunk = bodyLeft == 0 ? Chunk.TRAILER : Chunk.DATA;
            }
            case DATA -> {
                int take = (int) Math.min(bodyLeft, inEnd - inStart);
                digest(take);
                inStart += take;
                bodyLeft -= take;
                bodyReceived += take;
                if (bodyLeft == 0) {
                    chunk = Chunk.DATA_END;
                }
            }
            case DATA_END -> {
                if (inEnd - inStart < 2) {
                    return;
                }
                inStart += 2;
                chunk = Chunk.SIZE;
            }
            case TRAILER -> {
                int eol = find(in, inStart, inEnd, "\r\n");
                if (eol < 0) {
                    return;
                }
                boolean last = eol == inStart;
                inStart = eol + 2;
                if (last) {
                    uploaded();
                }
            }
        }
    }

    private void digest(int len) {
        if (sha != null) {
            sha.update(in, inStart, len);
        }
    }

    private void uploaded() {
        String body = "{\"received\": " + bodyReceived
                + (sha == null ? "" : ", \"sha256\": \"" + HexFormat.of().formatHex(sha.digest()) + "\"") + "}\n";
        respond(200, "OK", "application/json", body, keepAlive);
    }

    private byte[] headBytes;

    private void startResponse(int status, String reason, String type, long length, boolean keep) {
        keepAlive = keep;
        String h = "HTTP/1.1 " + status + " " + reason + "\r\nServer: alpenstack\r\nContent-Type: " + type
                + "\r\nContent-Length: " + length + "\r\n" + (keep ? "" : "Connection: close\r\n") + "\r\n";
        headBytes = h.getBytes(StandardCharsets.ISO_8859_1);
        headOff = 0;
        state = State.RESPOND;
    }

    private void respond(int status, String reason, String type, String body, boolean keep) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        startResponse(status, reason, type, b.length, keep);
        byte[] all = new byte[headBytes.length + (method != null && method.equals("HEAD") ? 0 : b.length)];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(b, 0, all, headBytes.length, all.length - headBytes.length);
        head = all;
        bodyRemaining = 0;
    }

    /** Writes the head and then the body; true when the whole response is out. */
    private boolean writeResponse() {
        while (headOff < head.length) {
            int w = write(head, headOff, head.length - headOff);
            if (w <= 0) {
                return false;
            }
            headOff += w;
        }
        while (bodyRemaining > 0) {
            int len = (int) Math.min(out.length, bodyRemaining);
            Chargen.fill(out, 0, len, bodyPos);
            int w = write(out, 0, len);
            if (w <= 0) {
                return false;
            }
            bodyPos += w;
            bodyRemaining -= w;
        }
        method = null;
        return true;
    }

    private static int find(byte[] a, int from, int to, String pattern) {
        int m = pattern.length();
        outer:
        for (int i = from; i <= to - m; i++) {
            for (int k = 0; k < m; k++) {
                if (a[i + k] != pattern.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
