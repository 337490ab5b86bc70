package org.alpenstack.tenant.config;

/**
 * A host device the server shares between instances.
 *
 * @param name the link's name, referenced by instances
 * @param type AF_PACKET on an existing device, or a TAP device the server creates
 * @param device the host device (AF_PACKET), or the TAP's name ("alp%d" lets the kernel number it)
 * @param hostAddress TAP only: the host side's address and prefix ("10.77.0.1/24")
 * @param netns the network namespace the device is in or is created in (null: the server's own)
 */
public record LinkSpec(String name, Type type, String device, Cidr hostAddress, String netns) {
    public enum Type {
        AFPACKET, TAP
    }
}
