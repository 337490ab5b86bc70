package org.alpenstack.kernel.socket;

/**
 * One entry of a socket's error queue as recvmsg(MSG_ERRQUEUE) reports it with IP_RECVERR:
 * Linux's struct sock_extended_err (linux/errqueue.h) plus the offender address
 * (SO_EE_OFFENDER). The caller passes one in and reuses it.
 */
public final class SockExtendedErr {
    public static final int SO_EE_ORIGIN_NONE = 0;
    public static final int SO_EE_ORIGIN_LOCAL = 1;
    public static final int SO_EE_ORIGIN_ICMP = 2;

    /** ee_errno: the errno the error maps to. */
    public int errno;
    /** ee_origin. */
    public int origin;
    /** ee_type / ee_code: the ICMP type and code. */
    public int type;
    public int code;
    /** ee_info: the next-hop MTU for "fragmentation needed", else 0. */
    public int info;
    /** The address of the host that reported the error (the ICMP sender). */
    public int offender;
    /** The destination and port of the datagram the error is about (msg_name of the errqueue read). */
    public int destinationAddress;
    public int destinationPort;
}
