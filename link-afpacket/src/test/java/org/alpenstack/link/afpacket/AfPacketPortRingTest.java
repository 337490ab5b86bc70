package org.alpenstack.link.afpacket;

/** {@link AfPacketPortTest}'s cases with a TPACKET_V3 ring instead of the socket's queue. */
class AfPacketPortRingTest extends AfPacketPortTest {
    @Override
    AfPacketConfig config() {
        return AfPacketConfig.DEFAULTS.withReceive(AfPacketConfig.Receive.RING);
    }
}
