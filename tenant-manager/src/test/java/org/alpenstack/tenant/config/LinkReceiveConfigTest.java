package org.alpenstack.tenant.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.alpenstack.link.afpacket.AfPacketConfig;
import org.junit.jupiter.api.Test;

/** links[].receive: how an afpacket link receives (socket queue or TPACKET_V3 ring), end to end in the config. */
class LinkReceiveConfigTest {
    private static TenantConfig parse(String links) {
        TenantConfig c = ConfigParser.parse("{ \"links\": [" + links + "], \"instances\": [] }");
        ConfigValidator.validate(c);
        return c;
    }

    @Test
    void anAfpacketLinkReceivesFromTheSocketUnlessItAsksForTheRing() {
        TenantConfig c = parse("""
                { "name": "plain", "type": "afpacket", "device": "eth0" },
                { "name": "sock", "type": "afpacket", "device": "eth1", "receive": "socket" },
                { "name": "bulk", "type": "afpacket", "device": "eth2", "receive": "ring" },
                { "name": "tap", "type": "tap", "device": "alp%d", "hostAddress": "10.77.0.1/24" }""");
        LinkSpec plain = c.links().get(0);
        assertNull(plain.receive(), "not given stays not given, so a saved config does not grow the field");
        assertEquals(AfPacketConfig.Receive.SOCKET, plain.effectiveReceive());
        assertEquals(AfPacketConfig.Receive.SOCKET, c.links().get(1).receive());
        assertEquals(AfPacketConfig.Receive.RING, c.links().get(2).receive());
        assertEquals(AfPacketConfig.Receive.RING, c.links().get(2).effectiveReceive());
        assertNull(c.links().get(3).effectiveReceive(), "a tap link has no way of receiving to choose");
    }

    @Test
    void anUnknownValueIsRefusedNamingTheField() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("{ \"name\": \"lan\", \"type\": \"afpacket\", \"device\": \"eth0\", \"receive\": \"mmap\" }"));
        assertEquals("links[0].receive", e.field());
        assertTrue(e.reason().contains("\"socket\" or \"ring\""), e.reason());
        ConfigException n = assertThrows(ConfigException.class,
                () -> parse("{ \"name\": \"lan\", \"type\": \"afpacket\", \"device\": \"eth0\", \"receive\": 1 }"));
        assertEquals("links[0].receive", n.field());
    }

    @Test
    void onlyAnAfpacketLinkMayChoose() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                { "name": "lan", "type": "afpacket", "device": "eth0", "receive": "ring" },
                { "name": "tap", "type": "tap", "device": "alp%d", "hostAddress": "10.77.0.1/24", "receive": "ring" }"""));
        assertEquals("links[1].receive", e.field());
        assertTrue(e.reason().contains("only an afpacket link"), e.reason());
        // The same rule for a spec made in code (the REST backend builds LinkSpecs itself).
        LinkSpec tap = new LinkSpec("t", LinkSpec.Type.TAP, "alp%d", Cidr.parse("10.78.0.1/24", 24), null,
                AfPacketConfig.Receive.SOCKET);
        ConfigException code = assertThrows(ConfigException.class,
                () -> ConfigValidator.validate(new TenantConfig(List.of(tap), List.of())));
        assertEquals("links[0].receive", code.field());
    }

    @Test
    void theWriterKeepsWhatWasGiven() {
        TenantConfig c = parse("""
                { "name": "plain", "type": "afpacket", "device": "eth0" },
                { "name": "bulk", "type": "afpacket", "device": "eth2", "receive": "ring", "netns": "n1" },
                { "name": "sock", "type": "afpacket", "device": "eth1", "receive": "socket" }""");
        String json = ConfigWriter.toJson(c);
        assertTrue(json.contains("\"receive\" : \"ring\""), json);
        TenantConfig again = ConfigParser.parse(json);
        assertEquals(c.links(), again.links());
        assertFalse(ConfigWriter.toJson(parse("{ \"name\": \"plain\", \"type\": \"afpacket\", \"device\": \"eth0\" }"))
                .contains("receive"), "a link that did not choose is saved without the field");
    }
}
