package org.alpenstack.tenant.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.junit.jupiter.api.Test;

/** The server's JSON config: parsed, validated as a whole, and every refusal names its field. */
class ConfigTest {
    static final String LINKS = """
            "links": [ { "name": "lan", "type": "afpacket", "device": "eth0" },
                       { "name": "tap", "type": "tap", "device": "alp%d", "hostAddress": "10.77.0.1/24" } ]""";

    static TenantConfig parse(String instances) {
        TenantConfig c = ConfigParser.parse("{" + LINKS + ", \"instances\": [" + instances + "] }");
        ConfigValidator.validate(c);
        return c;
    }

    static String refusedField(String instances) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(instances));
        return e.field();
    }

    @Test
    void aFullConfigParses() {
        TenantConfig c = parse("""
                { "name": "a", "link": "lan", "mode": "mac", "mac": "02:00:00:00:00:0a", "addresses": ["192.0.2.10/24", "198.51.100.7/25"],
                  "gateway": "192.0.2.1", "routes": [ { "destination": "203.0.113.0/24", "via": "192.0.2.254" } ],
                  "services": ["echo", "http:8080"], "lossPercent": 2 },
                { "name": "b", "link": "lan", "mode": "ip", "addresses": ["192.0.2.11"] }""");
        InstanceSpec a = c.instances().get(0);
        assertEquals(MacAddress.parse("02:00:00:00:00:0a"), a.effectiveMac());
        assertEquals(new Cidr(Ipv4Address.parse("198.51.100.7"), 25), a.addresses().get(1));
        assertEquals(Ipv4Address.parse("192.0.2.1"), a.gateway());
        assertEquals(8080, a.services().get(1).port());
        assertEquals(2.0, a.lossPercent());
        InstanceSpec b = c.instances().get(1);
        assertEquals(InstanceSpec.Mode.IP, b.mode());
        assertEquals(24, b.addresses().get(0).prefixLength(), "a bare address is a /24 like ip addr's default for the config");
        assertEquals(LinkSpec.Type.TAP, c.links().get(1).type());
    }

    @Test
    void anInvalidPrefixNamesTheAddress() {
        assertEquals("instances[0].addresses[1]",
                refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\", \"192.0.2.11/33\"] }"));
        assertEquals("instances[0].addresses[0]", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.300/24\"] }"));
    }

    @Test
    void aDuplicateAddressNamesTheSecondUse() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                { "name": "a", "link": "lan", "addresses": ["192.0.2.10/24"] },
                { "name": "b", "link": "tap", "addresses": ["10.77.0.2/24", "192.0.2.10/24"] }"""));
        assertEquals("instances[1].addresses[1]", e.field());
        assertTrue(e.getMessage().contains("instance a"), e.getMessage());
        assertEquals("instances[0].addresses[0]", refusedField("{ \"name\": \"a\", \"link\": \"tap\", \"addresses\": [\"10.77.0.1/24\"] }"),
                "the TAP's host side owns its address");
    }

    @Test
    void aDuplicateMacNamesTheSecondInstanceEvenWhenGenerated() {
        assertEquals("instances[1].mac", refusedField("""
                { "name": "a", "link": "lan", "mac": "02:00:00:00:00:01", "addresses": ["192.0.2.10/24"] },
                { "name": "b", "link": "lan", "mac": "02:00:00:00:00:01", "addresses": ["192.0.2.11/24"] }"""));
        String generated = StableMac.forName("a").toString();
        assertEquals("instances[1].mac", refusedField("""
                { "name": "a", "link": "lan", "addresses": ["192.0.2.10/24"] },
                { "name": "b", "link": "lan", "mac": "%s", "addresses": ["192.0.2.11/24"] }""".formatted(generated)));
    }

    @Test
    void otherMistakesNameTheirField() {
        assertEquals("instances[0].link", refusedField("{ \"name\": \"a\", \"link\": \"wan\", \"addresses\": [\"192.0.2.10/24\"] }"));
        assertEquals("instances[0].mode", refusedField("{ \"name\": \"a\", \"link\": \"tap\", \"mode\": \"ip\", \"addresses\": [\"10.77.0.2/24\"] }"));
        assertEquals("instances[0].mac", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"mac\": \"01:00:5e:00:00:01\", \"addresses\": [\"192.0.2.10/24\"] }"));
        assertEquals("instances[0].mac", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"mode\": \"ip\", \"mac\": \"02:00:00:00:00:01\", \"addresses\": [\"192.0.2.10/24\"] }"));
        assertEquals("instances[0].gateway", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"gateway\": \"198.51.100.1\", \"addresses\": [\"192.0.2.10/24\"] }"));
        assertEquals("instances[0].routes[0].destination", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"], \"routes\": [ { \"destination\": \"203.0.113.5/24\", \"via\": \"192.0.2.1\" } ] }"));
        assertEquals("instances[0].services[1]", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"], \"services\": [\"echo\", \"finger\"] }"));
        assertEquals("instances[0].services[1]", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"], \"services\": [\"echo\", \"http:7\"] }"));
        assertEquals("instances[0].adresses", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"adresses\": [\"192.0.2.10/24\"] }"));
        assertEquals("instances[0].addresses", refusedField("{ \"name\": \"a\", \"link\": \"lan\" }"));
        assertEquals("instances[1].name", refusedField("""
                { "name": "a", "link": "lan", "addresses": ["192.0.2.10/24"] }, { "name": "a", "link": "lan", "addresses": ["192.0.2.11/24"] }"""));
        assertEquals("instances[0].addresses[0]", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.255/24\"] }"));
    }

    @Test
    void iperf3IsATcpServiceOnPort5201() {
        // TCP only: it shares no port with a UDP service, but echo on 5201 takes its TCP port.
        assertEquals("instances[0].services[1]", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"], \"services\": [\"iperf3\", \"echo:5201\"] }"));
        assertEquals("instances[0].services[1]", refusedField("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"], \"services\": [\"iperf3:80\", \"http\"] }"));
        TenantConfig ok = parse("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"], \"services\": [\"echo\", \"discard\", \"chargen\", \"http\", \"iperf3\", \"iperf3:5202\"] }");
        assertEquals(5201, ok.instances().get(0).services().get(4).port());
        assertEquals("iperf3:5202", ok.instances().get(0).services().get(5).toString());
    }

    @Test
    void linkMistakesNameTheirField() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse("{ \"links\": [ { \"name\": \"lan\", \"type\": \"afpacket\" } ] }"));
        assertEquals("links[0].device", e.field());
        e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse("{ \"links\": [ { \"name\": \"lan\", \"type\": \"pcap\", \"device\": \"eth0\" } ] }"));
        assertEquals("links[0].type", e.field());
        assertEquals("links[0].hostAddress", assertThrows(ConfigException.class,
                () -> ConfigValidator.validate(ConfigParser.parse("{ \"links\": [ { \"name\": \"t\", \"type\": \"tap\", \"hostAddress\": \"10.0.0.1/32\" } ] }"))).field());
        e = assertThrows(ConfigException.class, () -> ConfigParser.parse("[1, 2]"));
        assertEquals("$", e.field());
    }

    @Test
    void theWriterWritesWhatTheParserReads() {
        TenantConfig c = parse("""
                { "name": "a", "link": "lan", "mode": "mac", "mac": "02:00:00:00:00:0a", "addresses": ["192.0.2.10/24"],
                  "gateway": "192.0.2.1", "routes": [ { "destination": "203.0.113.0/24", "via": "192.0.2.254" } ],
                  "services": ["echo", "http:8080"], "lossPercent": 2 },
                { "name": "b", "link": "tap", "addresses": ["10.77.0.2/24"] }""");
        assertEquals(c, ConfigParser.parse(ConfigWriter.toJson(c)));
    }

    @Test
    void stableMacsAreLocallyAdministeredUnicastAndDifferPerName() {
        MacAddress a = StableMac.forName("tenant-a");
        assertEquals(a, StableMac.forName("tenant-a"));
        assertFalse(a.equals(StableMac.forName("tenant-b")));
        assertTrue(a.isLocallyAdministered(), a.toString());
        assertFalse(a.isMulticast(), a.toString());
    }

    @Test
    void validationAgainstRunningInstancesCountsThem() {
        TenantConfig running = parse("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"] }");
        TenantConfig more = ConfigParser.parse("{ \"instances\": [ { \"name\": \"b\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"] } ] }");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigValidator.validate(more, running.links(), running.instances()));
        assertEquals("instances[0].addresses[0]", e.field());
    }
}
