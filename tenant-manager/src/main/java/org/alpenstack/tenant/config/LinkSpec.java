package org.alpenstack.tenant.config;

import org.alpenstack.link.afpacket.AfPacketConfig;

/**
 * A host device the server shares between instances.
 *
 * @param name the link's name, referenced by instances
 * @param type AF_PACKET on an existing device, or a TAP device the server creates
 * @param device the host device (AF_PACKET), or the TAP's name ("alp%d" lets the kernel number it)
 * @param hostAddress TAP only: the host side's address and prefix ("10.77.0.1/24")
 * @param netns the network namespace the device is in or is created in (null: the server's own)
 * @param receive AF_PACKET only: how the port receives, as configured (null: not given, which is
 *     {@link AfPacketConfig.Receive#SOCKET}); kept as given so a saved config says what the user said
 */
public record LinkSpec(String name, Type type, String device, Cidr hostAddress, String netns,
        AfPacketConfig.Receive receive) {
    public enum Type {
        AFPACKET, TAP
    }

    /** A link that receives the default way. */
    public LinkSpec(String name, Type type, String device, Cidr hostAddress, String netns) {
        this(name, type, device, hostAddress, netns, null);
    }

    /** How an AF_PACKET link receives once open (the default when not given); null for a TAP link. */
    public AfPacketConfig.Receive effectiveReceive() {
        if (type != Type.AFPACKET) {
            return null;
        }
        return receive == null ? AfPacketConfig.DEFAULTS.receive() : receive;
    }

    /** The config's spelling of a way of receiving: "socket" or "ring". */
    public static String receiveName(AfPacketConfig.Receive r) {
        return r == null ? null : r.name().toLowerCase(java.util.Locale.ROOT);
    }
}
