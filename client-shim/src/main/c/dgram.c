/*
 * Datagram sockets (UDP, ICMP ping). Each datagram travels as one RPC, so message boundaries,
 * MSG_PEEK and MSG_TRUNC are the stack's own; the data socket only carries one doorbell byte
 * per waiting datagram, which makes readiness, blocking, SO_RCVTIMEO and EINTR native.
 *
 * read/write/send/recv are hot for every other fd, so they consult a per-fd kind table filled
 * by the calls that create or copy fds, and only then ask the fd itself.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define FDKIND_MAX 65536
static unsigned char fdkind[FDKIND_MAX];

void fdkind_set(int fd, int kind) {
    if (fd >= 0 && fd < FDKIND_MAX) {
        fdkind[fd] = (unsigned char) kind;
    }
}

int fdkind_get(int fd) {
    return fd >= 0 && fd < FDKIND_MAX ? fdkind[fd] : 0;
}

static int verify(int fd, uint64_t *token) {
    char type;
    /* A gone one (token 0) too: it waits natively for nothing, and what needs the server fails. */
    if (stack_fd(fd, token, &type) && (type == AS_TYPE_DGRAM || type == AS_TYPE_PING || type == AS_TYPE_GONE_DGRAM)) {
        fdkind_set(fd, 2);
        return 1;
    }
    fdkind_set(fd, 1);
    return 0;
}

int dgram_fast(int fd, uint64_t *token) {
    return fdkind_get(fd) == 2 && verify(fd, token);
}

int dgram_checked(int fd, uint64_t *token) {
    int k = fdkind_get(fd);
    if (k == 1 || !shim_enabled()) {
        return 0;
    }
    return verify(fd, token);
}

ssize_t dgram_send(int fd, uint64_t token, const struct iovec *iov, size_t iovcnt, int flags,
                   const struct sockaddr *to, socklen_t tolen) {
    (void) fd;
    size_t len = 0;
    for (size_t i = 0; i < iovcnt; i++) {
        len += iov[i].iov_len;
    }
    if (tolen > 128 || (to == NULL && tolen > 0)) {
        return fail(-EINVAL);
    }
    if (len + 8 + tolen > AS_MAX_PAYLOAD) {
        return fail(-EMSGSIZE);
    }
    char *req = malloc(8 + tolen + len);
    if (req == NULL) {
        return fail(-ENOBUFS);
    }
    int32_t head[2] = { flags, (int32_t) (to != NULL ? tolen : 0) };
    memcpy(req, head, 8);
    if (to != NULL) {
        memcpy(req + 8, to, tolen);
    }
    size_t off = 8 + (to != NULL ? tolen : 0);
    for (size_t i = 0; i < iovcnt; i++) {
        memcpy(req + off, iov[i].iov_base, iov[i].iov_len);
        off += iov[i].iov_len;
    }
    int r = rpc(AS_SENDTO, token, req, off, NULL, 0, NULL, NULL);
    free(req);
    return r < 0 ? fail(r) : r;
}

/* The RECVFROM meta record (README: "Datagram sockets"), after the source sockaddr. */
struct as_recv_meta {
    uint32_t cmsgs; /* AS_CMSG_* the socket's options ask for */
    uint8_t ttl;
    uint8_t tos;
    uint16_t pad;
    uint32_t dst;   /* network order */
    uint32_t ifindex;
} __attribute__((packed));
_Static_assert(sizeof(struct as_recv_meta) == 16, "recv meta");

#define AS_CMSG_TTL 1
#define AS_CMSG_TOS 2
#define AS_CMSG_PKTINFO 4
#define AS_CMSG_TIMESTAMP 8
#define AS_CMSG_TIMESTAMPNS 16

/* Appends one control message; sets MSG_CTRUNC (and stops) when the buffer is too small, as Linux's put_cmsg. */
static void put_cmsg(struct msghdr *msg, size_t *used, int level, int type, const void *data, size_t len) {
    if (msg->msg_flags & MSG_CTRUNC) {
        return;
    }
    if (*used + CMSG_LEN(len) > msg->msg_controllen) {
        msg->msg_flags |= MSG_CTRUNC;
        return;
    }
    struct cmsghdr *c = (struct cmsghdr *) ((char *) msg->msg_control + *used);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(len);
    memcpy(CMSG_DATA(c), data, len);
    size_t space = CMSG_SPACE(len);
    *used += *used + space <= msg->msg_controllen ? space : msg->msg_controllen - *used;
}

/*
 * The control messages of one received datagram, from the meta record. The timestamp is the
 * shim's (when the doorbell arrived), not the stack's reception time: an upper bound that
 * includes the endpoint's hand-over.
 */
static void build_cmsgs(struct msghdr *msg, const struct as_recv_meta *m, const struct timespec *arrived) {
    size_t used = 0;
    if (m->cmsgs & (AS_CMSG_TIMESTAMP | AS_CMSG_TIMESTAMPNS)) {
        if (m->cmsgs & AS_CMSG_TIMESTAMPNS) {
            put_cmsg(msg, &used, SOL_SOCKET, SO_TIMESTAMPNS, arrived, sizeof *arrived);
        } else {
            struct timeval tv = { arrived->tv_sec, arrived->tv_nsec / 1000 };
            put_cmsg(msg, &used, SOL_SOCKET, SO_TIMESTAMP, &tv, sizeof tv);
        }
    }
    /* Linux's order (ip_cmsg_recv_offset): PKTINFO, TTL, TOS. */
    if (m->cmsgs & AS_CMSG_PKTINFO) {
        struct in_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        pi.ipi_ifindex = (int) m->ifindex;
        pi.ipi_spec_dst.s_addr = m->dst;
        pi.ipi_addr.s_addr = m->dst;
        put_cmsg(msg, &used, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi);
    }
    if (m->cmsgs & AS_CMSG_TTL) {
        int ttl = m->ttl;
        put_cmsg(msg, &used, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    }
    if (m->cmsgs & AS_CMSG_TOS) {
        put_cmsg(msg, &used, IPPROTO_IP, IP_TOS, &m->tos, 1);
    }
    msg->msg_controllen = used;
}

/* The error-queue meta record (RECVFROM with MSG_ERRQUEUE), after the sockaddr. */
struct as_err_meta {
    struct sock_extended_err ee;  /* Linux's layout */
    struct sockaddr_in offender;  /* SO_EE_OFFENDER */
} __attribute__((packed));
_Static_assert(sizeof(struct as_err_meta) == 32, "err meta");

/* True when a receive on fd may wait (no O_NONBLOCK, no MSG_DONTWAIT). */
static int may_block(int fd, int flags) {
    if (flags & MSG_DONTWAIT) {
        return 0;
    }
    int fl = real.fcntl(fd, F_GETFL);
    return fl >= 0 && !(fl & O_NONBLOCK);
}

ssize_t dgram_recv(int fd, uint64_t token, const struct iovec *iov, size_t iovcnt, int flags,
                   struct sockaddr *from, socklen_t *fromlen, struct msghdr *msg) {
    int errqueue = (flags & MSG_ERRQUEUE) != 0;
    struct timespec arrived;
    size_t len = 0;
    for (size_t i = 0; i < iovcnt; i++) {
        len += iov[i].iov_len;
    }
    /* Control messages only for a recvmsg with a control buffer (the meta record costs payload room). */
    int want_meta = msg != NULL && msg->msg_control != NULL && msg->msg_controllen > 0;
    size_t head = 16 + (!want_meta ? 0 : errqueue ? sizeof(struct as_err_meta) : sizeof(struct as_recv_meta));
    size_t cap = len < AS_MAX_PAYLOAD - head ? len : AS_MAX_PAYLOAD - head;
again:
    if (!errqueue) {
        /* Wait (or not) for a doorbell, natively: O_NONBLOCK, MSG_DONTWAIT, SO_RCVTIMEO, EINTR.
         * The error queue has no doorbell: like Linux's, reading it never waits. */
        char bell;
        ssize_t n = real.recv(fd, &bell, 1, flags & (MSG_DONTWAIT | MSG_PEEK));
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            /* The endpoint closed this socket: its server went away, and from now on the
             * socket waits for datagrams that never come, as on Linux once the network is gone. */
            if (socket_gone(fd, token) && gone_swap_datagram(fd) == 0) {
                token = 0;
                goto again;
            }
            return fail(-ENOTCONN);
        }
    }
    clock_gettime(CLOCK_REALTIME, &arrived);
    int32_t req[3] = { flags & (MSG_PEEK | MSG_TRUNC | MSG_ERRQUEUE), (int32_t) cap, want_meta };
    char *out = malloc(head + cap);
    if (out == NULL) {
        return fail(-ENOBUFS);
    }
    size_t got = 0;
    int r = rpc(AS_RECVFROM, token, req, want_meta ? sizeof req : 2 * sizeof(int32_t), out, head + cap, &got, NULL);
    if (r == -EAGAIN && !errqueue && !(flags & MSG_PEEK) && may_block(fd, flags)) {
        /* A doorbell whose datagram or error is gone (SO_ERROR or the error queue took it):
         * a blocking receive waits for the next one, as it would on Linux. (Not with
         * MSG_PEEK: the stale doorbell would stay, and the endpoint counts it until a
         * receive without MSG_PEEK consumes it; such a peek still fails with EAGAIN.) */
        free(out);
        goto again;
    }
    if (r < 0) {
        free(out);
        return fail(r);
    }
    size_t copied = got > head ? got - head : 0;
    size_t off = 0;
    for (size_t i = 0; i < iovcnt && off < copied; i++) {
        size_t k = iov[i].iov_len < copied - off ? iov[i].iov_len : copied - off;
        memcpy(iov[i].iov_base, out + head + off, k);
        off += k;
    }
    if (from != NULL && fromlen != NULL && got >= 16) {
        socklen_t k = *fromlen < 16 ? *fromlen : 16;
        memcpy(from, out, k);
        *fromlen = 16;
    }
    if (msg != NULL && errqueue) {
        msg->msg_flags = MSG_ERRQUEUE | ((size_t) r > len ? MSG_TRUNC : 0);
        size_t used = 0;
        if (want_meta && got >= head) {
            put_cmsg(msg, &used, IPPROTO_IP, IP_RECVERR, out + 16, sizeof(struct as_err_meta));
        } else {
            msg->msg_flags |= MSG_CTRUNC;
        }
        msg->msg_controllen = used;
    } else if (msg != NULL) {
        msg->msg_flags = (size_t) r > len ? MSG_TRUNC : 0;
        if (want_meta && got >= head) {
            struct as_recv_meta m;
            memcpy(&m, out + 16, sizeof m);
            build_cmsgs(msg, &m, &arrived);
        } else {
            msg->msg_controllen = 0;
        }
    }
    free(out);
    return (flags & MSG_TRUNC) ? r : (ssize_t) copied;
}
