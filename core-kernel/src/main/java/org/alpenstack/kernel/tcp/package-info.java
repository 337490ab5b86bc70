/**
 * TCP (RFC 9293) for one stack instance, split by concern the way FreeBSD's netinet and gVisor's
 * transport/tcp are:
 *
 * <ul>
 *   <li>{@link org.alpenstack.kernel.tcp.TcpLayer}: the {@code TransportProtocol} the IPv4 layer
 *       calls; demultiplexes by 4-tuple ({@link org.alpenstack.kernel.tcp.ConnectionTable}, no
 *       allocation per lookup), answers segments for nobody with resets (RFC 9293 3.10.7.1),
 *       owns port bindings, TIME-WAIT, ICMP errors (RFC 1122 4.2.3.9, RFC 1191, RFC 5927) and the
 *       counters ({@link org.alpenstack.kernel.tcp.TcpCounters}, drops by
 *       {@link org.alpenstack.kernel.stack.DropReason}).</li>
 *   <li>{@code TcpConnection}: the control block (RFC 9293 3.3.1), state only.</li>
 *   <li>{@code TcpInput}: segment arrival, step by step as RFC 9293 3.10.7.3/3.10.7.4, with
 *       RFC 5961 (challenge ACKs, ACK validation, rate limit) and RFC 7323 PAWS.</li>
 *   <li>{@code TcpOutput}: what may be sent (windows, Minshall's Nagle, sender and receiver SWS
 *       avoidance, delayed ACKs, FIN) and the emission of a segment top-down into a pooled buffer
 *       with one copy of the payload; towards an interface with TSO, super-segments of several
 *       MSS sized as Linux's tcp_tso_autosize with a partial checksum (retransmissions stay one
 *       MSS), and one ACK per connection per input batch (GRO-like, at most 64 KiB apart).</li>
 *   <li>{@code TcpTimers}: retransmission (RFC 6298, Karn, backoff, SYN/SYN-ACK/orphan retry
 *       limits, TCP_USER_TIMEOUT), persist (zero-window probes, SWS override, TCP_CORK ceiling),
 *       delayed ACK, keepalive, TIME-WAIT and orphaned FIN-WAIT-2.</li>
 *   <li>{@code TcpRecovery}: fast retransmit (RFC 5681), NewReno (RFC 6582) and SACK-based
 *       recovery (RFC 6675, paced by RFC 6937 PRR) over the {@link org.alpenstack.kernel.tcp.SackScoreboard}; after an
 *       RTO, a recovery that resends only what the receiver has not SACKed (RFC 6675 5.1, Linux's
 *       CA_Loss; the scoreboard is kept unless the receiver reneges); congestion
 *       windows come from {@link org.alpenstack.kernel.tcp.cc.CongestionControl} (CUBIC default).</li>
 *   <li>{@code Rack}: RFC 8985 section 6 (RACK), time-based loss detection from per-segment
 *       transmission times, with its reordering window and timer; it finds the lost
 *       retransmissions that RFC 6675's rules leave to the RTO. Its marks are retransmitted first.
 *       An ACK costs what it changes, not the flight: the records not yet SACKed or lost are also
 *       kept in transmission order and walked only up to RACK.segment (as Linux's
 *       tsorted_sent_queue), and the runs of SACKed and of lost records
 *       ({@link org.alpenstack.kernel.tcp.RecordRuns}) are jumped over or summed per hole.</li>
 *   <li>{@code TailLossProbe}: RFC 8985 section 7 (TLP), Linux-style, for SACK connections.</li>
 *   <li>{@code TcpEcn}: RFC 3168 ECN (tunable {@code ecn}: off, request, accept-only as Linux).</li>
 *   <li>{@code TcpListener}: LISTEN with Linux's SYN queue and accept queue; SYN cookies
 *       ({@link org.alpenstack.kernel.tcp.SynCookies}) when the SYN queue is full.</li>
 *   <li>{@link org.alpenstack.kernel.tcp.TcpSocket}: the BSD socket API with Linux semantics and
 *       errno values, non-blocking, with Linux option numbers and byte layouts.</li>
 * </ul>
 *
 * <p>Sequence numbers are compared only through {@link org.alpenstack.kernel.tcp.SeqNum}. Time is
 * an input (the stack's clock and timer wheel); nothing here blocks, spawns threads or does I/O.
 *
 * <p>Where Linux and the RFCs differ we follow Linux where a program could notice, and say so at
 * the place: RST ends TIME-WAIT (no RFC 1337), urgent data is delivered inline (the pointer is
 * ignored, as with SO_OOBINLINE), a connection reset while waiting in the accept queue leaves it
 * (as in FreeBSD), the zero-window probe is Linux's {@code SEG.SEQ = SND.UNA - 1}, receive and send buffers autotune
 * (dynamic right-sizing) unless SO_RCVBUF/SO_SNDBUF fix them. RACK runs beside RFC 6675's DupThresh
 * rules rather than replacing them as in Linux (both mark losses; the first to do so wins). Not done:
 * TCP Fast Open, MD5/AO options, urgent data out of band, IPv6.
 */
package org.alpenstack.kernel.tcp;
