package org.alpenstack.link.afpacket.sys;

/** {@code struct pollfd} {int fd; short events; short revents}. */
public final class PollFd {
    public static final int SIZE = 8;
    public static final int FD = 0;
    public static final int EVENTS = 4;
    public static final int REVENTS = 6;

    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;

    private PollFd() {
    }
}
