package org.alpenstack.tenant.service;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The server's side of EXCHANGE_RESULTS (iperf3 src/iperf_api.c send_results): CPU use, whether
 * the sender counted retransmissions, and per stream its number, bytes and the seconds it
 * counted them over. For a normal test the client's "receiver" figures are exactly these bytes
 * and seconds (get_results), so they come straight from the streams' counters.
 */
final class Iperf3Report {
    private Iperf3Report() {
    }

    static JsonObject results(Iperf3Test test, double[] cpu, String serverOutput) {
        JsonObject j = new JsonObject()
                .put("cpu_util_total", cpu[0])
                .put("cpu_util_user", cpu[1])
                .put("cpu_util_system", cpu[2])
                // -1 when the server only receives; the stack's TCP_INFO has tcpi_total_retrans.
                .put("sender_has_retransmits", test.params.sendStreams() == 0 ? -1 : 1);
        String cc = test.congestion();
        if (cc != null) {
            j.put("congestion_used", cc);
        }
        if (serverOutput != null) {
            j.put("server_output_text", serverOutput);
        }
        JsonArray streams = new JsonArray();
        for (Iperf3Stream s : test.streams) {
            streams.add(new JsonObject()
                    .put("id", s.id)
                    .put("bytes", s.reportedBytes())
                    .put("retransmits", s.sender ? s.retransmits : -1)
                    .put("jitter", 0)
                    .put("errors", 0)
                    .put("packets", 0)
                    .put("start_time", 0)
                    .put("end_time", s.seconds()));
        }
        return j.put("streams", streams);
    }

    /** What an upstream server would have printed, short: for --get-server-output. */
    static String text(String peer, Iperf3Test test) {
        StringBuilder b = new StringBuilder();
        b.append("Accepted connection from ").append(peer).append('\n');
        b.append("[ ID] Role      Interval           Transfer        Bitrate\n");
        long total = 0;
        double seconds = 0;
        for (Iperf3Stream s : test.streams) {
            line(b, "[" + pad(s.id) + "]", s.sender ? "sender" : "receiver", s.seconds(), s.reportedBytes());
            total += s.reportedBytes();
            seconds = Math.max(seconds, s.seconds());
        }
        if (test.streams.size() > 1) {
            line(b, "[SUM]", "", seconds, total);
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String id, String role, double seconds, long bytes) {
        b.append(String.format(Locale.ROOT, "%-5s %-9s 0.00-%-6.2f sec  %12d bytes  %8.3f Gbits/sec%n", id, role, seconds, bytes,
                seconds > 0 ? bytes * 8 / seconds / 1e9 : 0.0));
    }

    private static String pad(int id) {
        return String.format(Locale.ROOT, "%3d", id);
    }
}
