package org.alpenstack.it.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.alpenstack.tenant.Tenant;
import org.alpenstack.tenant.TenantManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Linux curl and ncat in namespace {@code peer} against an instance's TCP services over a veth
 * pair (offloads on, finished by link-afpacket): bulk transfers byte-exact with the instance's
 * fault injector dropping 2% of the frames in each direction, many parallel connections, echo.
 */
class TcpServicesTest {
    static final String WEB = "192.0.2.31";
    static final String WEB_IP_MODE = "192.0.2.32";
    static final long BIG = 256L << 20;

    static TenantsOnLab tenants;
    static Lab lab;
    static TenantManager manager;

    @BeforeAll
    static void start() throws Exception {
        Lab.assumeRoot();
        org.junit.jupiter.api.Assumptions.assumeTrue(Sh.onPath("curl"), "curl is needed (bin/install-deps installs it)");
        tenants = TenantsOnLab.start("tcp", """
                [
                    { "name": "web", "link": "lan", "addresses": ["%s/24"], "services": ["echo", "discard", "chargen", "http"] },
                    { "name": "webip", "link": "lan", "mode": "ip", "addresses": ["%s/24"], "services": ["echo", "http"] } ]
                """.formatted(WEB, WEB_IP_MODE));
        lab = tenants.lab;
        manager = tenants.manager;
    }

    @AfterAll
    static void stop() throws Exception {
        if (tenants != null) {
            tenants.close();
        }
    }

    @AfterEach
    void noLoss() throws Exception {
        if (manager != null) {
            setLoss("web", 0);
        }
    }

    static void setLoss(String instance, double p) throws Exception {
        Tenant t = manager.tenant(instance);
        t.instance().execute(s -> {
            t.faults().transmit().lossRate(p);
            t.faults().receive().lossRate(p);
        }).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** SHA-256 of the first {@code n} bytes of the RFC 864 pattern, what GET /bytes/n serves. */
    static String chargenSha256(long n) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] b = new byte[1 << 16];
        long pos = 0;
        while (pos < n) {
            int len = (int) Math.min(b.length, n - pos);
            org.alpenstack.tenant.service.Chargen.fill(b, 0, len, pos);
            md.update(b, 0, len);
            pos += len;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String curlDownloadSha(String ip, long n, int timeoutSeconds) {
        Sh.Result r = lab.inPeer(timeoutSeconds, "sh", "-c", "set -o pipefail 2>/dev/null; curl -sS --max-time " + timeoutSeconds
                + " -w '%{size_download} %{speed_download}\\n' -o >(sha256sum >&2) http://" + ip + "/bytes/" + n + " 2>&1");
        return r.output();
    }

    @Test
    void curlDownloadsAndUploadsSmallBodiesByteExact() throws Exception {
        Sh.Result get = lab.inPeer(30, "sh", "-c", "curl -sS --max-time 20 http://" + WEB + "/bytes/100000 | sha256sum");
        assertTrue(get.output().startsWith(chargenSha256(100000)), get.output());
        Sh.Result getIp = lab.inPeer(30, "sh", "-c", "curl -sS --max-time 20 http://" + WEB_IP_MODE + "/bytes/100000 | sha256sum");
        assertTrue(getIp.output().startsWith(chargenSha256(100000)), getIp.output());
        Sh.Result post = lab.inPeer(30, "sh", "-c", "head -c 1000000 /dev/zero | curl -sS --max-time 20 --data-binary @- http://" + WEB + "/up");
        assertTrue(post.output().contains("\"received\": 1000000"), post.output());
        assertTrue(post.output().contains("\"sha256\": \"d29751f2649b32ff572b5e0a9f541ea660a50f94ff0beedfb0b692b924cc8025\""),
                "SHA-256 of a million zero bytes: " + post.output());
        Sh.Result discard = lab.inPeer(30, "sh", "-c", "head -c 1000000 /dev/zero | curl -sS --max-time 20 -T - http://" + WEB + "/discard");
        assertTrue(discard.output().contains("\"received\": 1000000") && !discard.output().contains("sha256"), discard.output());
    }

    @Test
    void curlDownloads256MiBByteExactWithTwoPercentLossBothWays() throws Exception {
        setLoss("web", 0.02);
        String want = chargenSha256(BIG);
        long t0 = System.nanoTime();
        Sh.Result r = lab.inPeer(300, "sh", "-c", "curl -sS --max-time 280 http://" + WEB + "/bytes/" + BIG + " | sha256sum");
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("download 256 MiB with 2%% loss: %.1f s (%.0f Mbit/s)%n%s%n", secs, BIG * 8 / secs / 1e6, diagnostics("web"));
        assertTrue(r.output().startsWith(want), "SHA-256 of the download: " + r.output());
        assertLossHappened();
    }

    @Test
    void curlUploads256MiBByteExactWithTwoPercentLossBothWays() throws Exception {
        String file = "/tmp/alp-it-upload-" + ProcessHandle.current().pid();
        try {
            Sh.ok("sh", "-c", "head -c " + BIG + " /dev/urandom > " + file);
            String want = Sh.ok("sh", "-c", "sha256sum " + file).output().split(" ")[0];
            setLoss("web", 0.02);
            long t0 = System.nanoTime();
            Sh.Result r = lab.inPeer(300, "curl", "-sS", "--max-time", "280", "-H", "Expect:", "--data-binary", "@" + file,
                    "http://" + WEB + "/upload");
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("upload 256 MiB with 2%% loss: %.1f s (%.0f Mbit/s)%n", secs, BIG * 8 / secs / 1e6);
            assertTrue(r.output().contains("\"received\": " + BIG), r.output());
            assertTrue(r.output().contains(want), "SHA-256 the instance computed should be " + want + ": " + r.output());
            assertLossHappened();
        } finally {
            Sh.run("rm", "-f", file);
        }
    }

    /** What the instance knows, for a failure message: link counters, drops, TCP connections. */
    static String diagnostics(String instance) {
        Tenant t = manager.tenant(instance);
        try {
            return t.attachment().stats() + "\n" + t.instance().query(s -> s.counters().snapshot().drops() + "\n"
                    + s.tcp().counters() + "\n" + String.join("\n", s.tcp().connectionsSnapshot().stream().limit(20)
                            .map(String::valueOf).toList())).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "(no diagnostics: " + e + ")";
        }
    }

    static void assertLossHappened() throws Exception {
        Tenant t = manager.tenant("web");
        long[] lost = t.instance().query(s -> new long[] {t.faults().transmitCounters().lost(), t.faults().receiveCounters().lost()})
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(lost[0] > 100 && lost[1] > 100, "the fault injector should have dropped frames both ways: " + lost[0] + "/" + lost[1]);
    }

    @Test
    void twoHundredParallelCurlsSucceed() {
        Sh.Result r = lab.inPeer(120, "sh", "-c", "seq 200 | xargs -P 200 -I{} curl -sS --max-time 20 -o /dev/null"
                + " -w '%{http_code} %{size_download}\\n' http://" + WEB + "/bytes/65536");
        long ok = r.output().lines().filter(l -> l.equals("200 65536")).count();
        assertEquals(200, ok, () -> r.output() + "\n" + diagnostics("web"));
    }

    @Test
    void tcpEchoAndDiscardAnswerNcat() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Sh.onPath("ncat"), "ncat is needed");
        Sh.Result echo = lab.inPeer(30, "sh", "-c", "head -c 300000 /dev/urandom > /tmp/alp-echo-$$; ncat --no-shutdown -w 3 -i 2 "
                + WEB + " 7 < /tmp/alp-echo-$$ | cmp - /tmp/alp-echo-$$ && echo SAME; rm -f /tmp/alp-echo-$$");
        assertTrue(echo.output().contains("SAME"), echo.output());
        Sh.Result discard = lab.inPeer(30, "sh", "-c", "head -c 1000000 /dev/zero | ncat --send-only " + WEB + " 9 && echo SENT");
        assertTrue(discard.output().contains("SENT"), discard.output());
    }

    @Test
    void curlDownloads256MiBByteExactInTsoSuperSegments() throws Exception {
        // No faults: the instance's TCP hands the AF_PACKET port super-segments of several MSS with
        // partial checksums (virtio_net_hdr), veth passes them whole to the peer's kernel.
        Tenant t = manager.tenant("web");
        long[] before = t.instance().query(s -> new long[] {s.tcp().counters().segmentsOut, t.faults().transmitCounters().frames()})
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        String want = chargenSha256(BIG);
        Sh.Result r = lab.inPeer(120, "sh", "-c", "curl -sS --max-time 100 http://" + WEB + "/bytes/" + BIG + " | sha256sum");
        assertTrue(r.output().startsWith(want), "SHA-256 of the download: " + r.output());
        long[] after = t.instance().query(s -> new long[] {s.tcp().counters().segmentsOut, t.faults().transmitCounters().frames()})
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        long segments = after[0] - before[0];
        long frames = after[1] - before[1];
        assertTrue(segments > 3 * frames, "TCP segments counted on the wire (" + segments + ") should be several per frame handed to the link ("
                + frames + "): super-segments");
    }

    @Test
    void curlUploads64MiBByteExactInSuperFramesTakenWhole() throws Exception {
        // No faults: the peer's TSO super-frames reach the instance whole (GRO-style), marked with
        // their segment size, and its TCP takes each as one segment above the MTU.
        Tenant t = manager.tenant("web");
        long wholeBefore = t.attachment().nic().rxStats().gsoFramesWhole();
        String file = "/tmp/alp-it-upload-whole-" + ProcessHandle.current().pid();
        long size = 64L << 20;
        try {
            Sh.ok("sh", "-c", "head -c " + size + " /dev/urandom > " + file);
            String want = Sh.ok("sh", "-c", "sha256sum " + file).output().split(" ")[0];
            Sh.Result r = lab.inPeer(120, "curl", "-sS", "--max-time", "100", "-H", "Expect:", "--data-binary", "@" + file,
                    "http://" + WEB + "/upload");
            assertTrue(r.output().contains("\"received\": " + size), r.output());
            assertTrue(r.output().contains(want), "SHA-256 the instance computed should be " + want + ": " + r.output() + "\n"
                    + diagnostics("web"));
        } finally {
            Sh.run("rm", "-f", file);
        }
        long whole = t.attachment().nic().rxStats().gsoFramesWhole() - wholeBefore;
        long tooLong = t.instance().query(s -> s.counters().drops(org.alpenstack.kernel.stack.DropReason.IPV4_LONGER_THAN_MTU))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(whole > 100, "the port should have handed over TCP super-frames whole: " + whole);
        assertEquals(0, tooLong, "every frame above the MTU was a marked super-frame");
    }
}
