package org.alpenstack.it.shim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.alpenstack.it.link.Sh;

/** Reading iperf3's -J report. */
final class Iperf3Json {
    private Iperf3Json() {
    }

    /**
     * The client ran: iperf3 -J can exit 0 with {"error": "unable to connect ..."} while its
     * server is still starting.
     */
    static boolean connected(Sh.Result r) {
        return r.exit() == 0 && !r.output().contains("\"error\":");
    }

    /** A number in the last {@code section} of the report ("sum_received", "sum"), asserting it is there. */
    static double number(String json, String section, String field) {
        int at = json.lastIndexOf("\"" + section + "\"");
        assertTrue(at >= 0, json);
        Matcher m = Pattern.compile("\"" + field + "\":\\s*([0-9.e+-]+)").matcher(json);
        assertTrue(m.find(at), json);
        return Double.parseDouble(m.group(1));
    }
}
