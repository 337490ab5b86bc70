package org.alpenstack.tenant.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.alpenstack.kernel.wire.Ipv4Address;
import org.alpenstack.kernel.wire.MacAddress;
import org.junit.jupiter.api.Test;

/**
 * What the API can change at run time (static neighbours, TCP tunables, impairment, routes with
 * a metric or on-link) is written to the state file and read back unchanged; bad values name
 * their field.
 */
class RunningStateConfigTest {
    static final String LINKS = "\"links\": [ { \"name\": \"lan\", \"type\": \"afpacket\", \"device\": \"eth0\" } ]";

    static TenantConfig parse(String instance) {
        TenantConfig c = ConfigParser.parse("{" + LINKS + ", \"instances\": [" + instance + "] }");
        ConfigValidator.validate(c);
        return c;
    }

    @Test
    void runTimeStateSurvivesTheWriterAndTheParser() {
        InstanceSpec.Impairment imp = new InstanceSpec.Impairment(
                new InstanceSpec.Direction(0.05, 0.01, 0, 0.001, 20_000_000, 5_000_000), InstanceSpec.Direction.NONE);
        InstanceSpec s = new InstanceSpec("a", "lan", null, InstanceSpec.Mode.MAC,
                List.of(new Cidr(Ipv4Address.parse("192.0.2.10"), 24), new Cidr(Ipv4Address.parse("192.0.2.11"), 24)),
                List.of(new InstanceSpec.RouteSpec(Cidr.parse("198.51.100.0/24", 24), Ipv4Address.parse("192.0.2.254"), 7),
                        new InstanceSpec.RouteSpec(Cidr.parse("203.0.113.0/24", 24), 0, 0)),
                Ipv4Address.parse("192.0.2.1"), List.of(), 0,
                List.of(new InstanceSpec.NeighborSpec(Ipv4Address.parse("192.0.2.99"), MacAddress.parse("02:00:00:00:99:99"))),
                Map.of("minRtoNanos", 50_000_000L, "moderateRcvbuf", false, "congestionControl", "newreno"), imp);
        TenantConfig c = new TenantConfig(parse("").links(), List.of(s));
        TenantConfig back = ConfigParser.parse(ConfigWriter.toJson(c));
        ConfigValidator.validate(back);
        InstanceSpec r = back.instances().get(0);
        assertEquals(s.addresses(), r.addresses());
        assertEquals(s.routes(), r.routes());
        assertEquals(s.gateway(), r.gateway());
        assertEquals(s.neighbors(), r.neighbors());
        assertEquals(s.impairment(), r.impairment());
        assertEquals(50_000_000L, ((Number) r.tunables().get("minRtoNanos")).longValue());
        assertEquals(false, r.tunables().get("moderateRcvbuf"));
        assertEquals("newreno", r.tunables().get("congestionControl"));
    }

    @Test
    void anInstanceWithoutRunTimeChangesIsWrittenAsBefore() {
        TenantConfig c = parse("{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"], \"lossPercent\": 2 }");
        String json = ConfigWriter.toJson(c);
        assertEquals(-1, json.indexOf("neighbors"));
        assertEquals(-1, json.indexOf("impairment"));
        assertEquals(-1, json.indexOf("tunables"));
        assertNull(ConfigParser.parse(json).instances().get(0).impairment());
    }

    @Test
    void badRunTimeValuesNameTheirField() {
        String base = "{ \"name\": \"a\", \"link\": \"lan\", \"addresses\": [\"192.0.2.10/24\"], ";
        assertEquals("instances[0].tunables.noSuch",
                assertThrows(ConfigException.class, () -> parse(base + "\"tunables\": {\"noSuch\": 1} }")).field());
        assertEquals("instances[0].tunables.minRtoNanos",
                assertThrows(ConfigException.class, () -> parse(base + "\"tunables\": {\"minRtoNanos\": 1} }")).field());
        assertEquals("instances[0].impairment.transmit.lossRate", assertThrows(ConfigException.class,
                () -> parse(base + "\"impairment\": {\"transmit\": {\"lossRate\": 1.5}} }")).field());
        assertEquals("instances[0].neighbors[0].mac", assertThrows(ConfigException.class,
                () -> parse(base + "\"neighbors\": [{\"address\": \"192.0.2.5\", \"mac\": \"01:00:5e:00:00:01\"}] }")).field());
        assertEquals("instances[0].routes[0].metric", assertThrows(ConfigException.class,
                () -> parse(base + "\"routes\": [{\"destination\": \"10.0.0.0/8\", \"via\": \"192.0.2.1\", \"metric\": -1}] }"))
                .field());
    }
}
