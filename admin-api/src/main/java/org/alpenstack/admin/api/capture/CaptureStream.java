package org.alpenstack.admin.api.capture;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.alpenstack.admin.api.AdminBackend;
import org.alpenstack.kernel.link.PcapWriter;

/**
 * Streams a capture to an HTTP response as a pcap file: the global header first, then one
 * record per matching frame, until {@code count} frames, the time limit or the client goes
 * away. Frames arrive on the instance's context; the response is written on its own context.
 * When the client reads slower than the link runs, frames are skipped rather than buffered
 * without bound (tcpdump also drops when its buffer is full).
 */
public final class CaptureStream implements AdminBackend.FrameSink {
    private static final int MAX_QUEUED_BYTES = 4 << 20;

    private final HttpServerResponse response;
    private final Context context;
    private final Vertx vertx;
    private final CaptureFilter filter;
    private final int count;
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicInteger queuedBytes = new AtomicInteger();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Chunk chunk = new Chunk();
    private final PcapWriter writer;
    private volatile AdminBackend.Capture capture;
    private long timer = -1;

    public CaptureStream(Vertx vertx, HttpServerResponse response, CaptureFilter filter, int count) {
        this.vertx = vertx;
        this.response = response;
        this.context = vertx.getOrCreateContext();
        this.filter = filter;
        this.count = count;
        this.writer = new PcapWriter(chunk);
    }

    /** Called on the response's context once the backend's capture runs. */
    public void start(AdminBackend.Capture c, long millis) {
        this.capture = c;
        response.setChunked(true).putHeader("Content-Type", "application/vnd.tcpdump.pcap")
                .putHeader("Content-Disposition", "attachment; filename=\"capture.pcap\"");
        Buffer header;
        synchronized (this) {
            header = chunk.take();
        }
        response.write(header);
        response.closeHandler(v -> finish());
        timer = vertx.setTimer(millis, id -> finish());
        if (finished.get() || taken.get() >= count) {
            finish();
        }
    }

    @Override
    public void frame(long epochNanos, byte[] a, int off, int len) {
        if (finished.get() || !filter.matches(a, off, len) || queuedBytes.get() > MAX_QUEUED_BYTES) {
            return;
        }
        int n = taken.incrementAndGet();
        if (n > count) {
            return;
        }
        Buffer b;
        synchronized (this) {
            writer.write(epochNanos, a, off, len);
            b = chunk.take();
        }
        queuedBytes.addAndGet(b.length());
        context.runOnContext(v -> {
            queuedBytes.addAndGet(-b.length());
            if (!response.ended() && !response.closed()) {
                response.write(b);
            }
            if (n == count) {
                finish();
            }
        });
    }

    private void finish() {
        context.runOnContext(v -> {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            AdminBackend.Capture c = capture;
            if (c != null) {
                c.close();
            }
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        });
    }

    /** Collects what the PcapWriter writes until it is taken as one Buffer. */
    private static final class Chunk extends OutputStream {
        private Buffer buf = Buffer.buffer();

        @Override
        public void write(int b) {
            buf.appendByte((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buf.appendBytes(b, off, len);
        }

        Buffer take() {
            Buffer b = buf;
            buf = Buffer.buffer();
            return b;
        }
    }
}
