/*
 * The socket options sshd and nginx ask of their sockets, answered as Linux answers them. Prints
 * one line per call (return value or errno, and the option length), so the test can run it once
 * preloaded and once on the kernel and compare the two stories line by line.
 */
#include "testutil.h"
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

static void get(const char *who, const char *what, int fd, int level, int name, socklen_t cap) {
    unsigned char buf[64];
    memset(buf, 0xA5, sizeof buf);
    socklen_t len = cap;
    int r = getsockopt(fd, level, name, buf, &len);
    if (r < 0) {
        printf("%s get %s: %s\n", who, what, strerrorname_np(errno));
        return;
    }
    int v = 0;
    if (len == sizeof v) {
        memcpy(&v, buf, sizeof v);
    }
    printf("%s get %s: len %u value %d\n", who, what, (unsigned) len, len == sizeof v ? v != 0 : -1);
}

static void set(const char *who, const char *what, int fd, int level, int name, int v) {
    int r = setsockopt(fd, level, name, &v, sizeof v);
    printf("%s set %s: %s\n", who, what, r == 0 ? "0" : strerrorname_np(errno));
}

static void story(const char *who, int fd) {
    get(who, "IP_OPTIONS", fd, IPPROTO_IP, IP_OPTIONS, 40);       /* sshd: refuses source routing */
    get(who, "SO_BINDTODEVICE", fd, SOL_SOCKET, SO_BINDTODEVICE, IF_NAMESIZE); /* sshd: VRF */
    get(who, "SO_TYPE", fd, SOL_SOCKET, SO_TYPE, sizeof(int));
    set(who, "SO_KEEPALIVE", fd, SOL_SOCKET, SO_KEEPALIVE, 1);     /* sshd: TCPKeepAlive yes */
    get(who, "SO_KEEPALIVE", fd, SOL_SOCKET, SO_KEEPALIVE, sizeof(int));
    set(who, "TCP_NODELAY", fd, IPPROTO_TCP, TCP_NODELAY, 1);      /* sshd interactive, nginx keepalive */
    get(who, "TCP_NODELAY", fd, IPPROTO_TCP, TCP_NODELAY, sizeof(int));
    set(who, "IP_TOS", fd, IPPROTO_IP, IP_TOS, IPTOS_LOWDELAY);    /* ssh/sshd IPQoS */
}

int main(void) {
    int ls = tcp_listen("127.0.0.1", 0);
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    CHECK(getsockname(ls, (struct sockaddr *) &a, &alen) == 0);
    int c = tcp_connect("127.0.0.1", ntohs(a.sin_port));
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    story("listener", ls);
    story("connected", c);
    story("accepted", s);
    /* sshd logs its peer from getpeername of the accepted socket: the connecting side's name. */
    struct sockaddr_in peer, local;
    socklen_t plen = sizeof peer, llen = sizeof local;
    CHECK(getpeername(s, (struct sockaddr *) &peer, &plen) == 0);
    CHECK(getsockname(c, (struct sockaddr *) &local, &llen) == 0);
    printf("accepted peer is the connecting side: %s\n",
           plen == sizeof peer && peer.sin_port == local.sin_port && peer.sin_addr.s_addr == local.sin_addr.s_addr
                   ? "yes" : "no");
    return 0;
}
