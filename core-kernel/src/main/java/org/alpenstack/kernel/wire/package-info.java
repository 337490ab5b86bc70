/**
 * Wire formats: Ethernet II with 802.1Q, ARP, IPv4, ICMPv4, UDP, TCP and its options, and the
 * Internet checksum.
 *
 * <p>Every header has two faces (the smoltcp pattern, ARCHITECTURE.md "Packets"):
 * <ul>
 *   <li>a <b>view</b> ({@code EthernetFrame}, {@code ArpPacket}, {@code Ipv4Packet},
 *       {@code Icmpv4Packet}, {@code UdpPacket}, {@code TcpHeader}): named offset constants
 *       and static accessors over {@code (byte[] a, int off)}, no object per packet. Its
 *       {@code check(a, off, len)} validates the lengths once and returns null or the
 *       {@link org.alpenstack.kernel.stack.DropReason}; after a null, no accessor of that view
 *       reads outside {@code a[off, off+len)}. Checksums are verified separately
 *       ({@code verifyChecksum}), so a layer can count a bad checksum on its own. A static
 *       {@code emit} writes a header without allocating;</li>
 *   <li>a <b>Repr</b> record ({@code EthernetRepr}, {@code ArpRepr}, {@code Ipv4Repr},
 *       {@code Icmpv4Repr}, {@code UdpRepr}, {@code TcpRepr}) for control paths and tests:
 *       {@code parse(a, off, len)} returns null exactly when the packet must be dropped,
 *       {@code bufferLen()} says how many bytes {@code emit(a, off, ...)} writes.</li>
 * </ul>
 * Emission is top-down: the payload is placed first, then each layer writes its header into
 * the headroom in front of it ({@code PacketBuffer.prepend}) and checksums what follows.
 * TCP options live in {@code TcpOptions}, a mutable holder the TCP layer reuses per segment.
 * {@code TcpSegmentation} is the per-segment header rewrite of TCP segmentation (TSO done in
 * software), shared by the link layer's {@code SoftwareOffload} and link-afpacket's GSO split.
 */
package org.alpenstack.kernel.wire;
