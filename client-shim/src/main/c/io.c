/*
 * Data calls. TCP bytes flow natively through the data socket; these wrappers only fix what a
 * unix stream cannot say by itself: a reset (the endpoint records it and closes the data socket,
 * and a read that sees EOF with the hang-up that close leaves asks for it), a destination address on a stream (TCP ignores it, AF_UNIX would refuse it),
 * and datagram sockets, whose datagrams are RPCs (dgram.c).
 */
#include "shim.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

/*
 * The endpoint records an error (reset, timeout) only for a connection whose data socket it
 * then closes, so an EOF that carries an error always comes with POLLHUP (the peer's close
 * shuts both directions of a unix stream). A FIN alone shuts only the endpoint's sending side:
 * without POLLHUP the EOF is plain and needs no STATUS round trip (one RPC less for every
 * connection read to its end). POLLHUP for other reasons (the program shut down its own side
 * too, the endpoint closed after a FIN) still asks.
 */
int eof_may_carry_error(int fd) {
    int saved = errno;
    struct pollfd p = { fd, 0, 0 };
    int hup = poll(&p, 1, 0);
    errno = saved;
    return hup != 0;
}

/* A read of a stack stream returned 0: EOF, or a reset/timeout the endpoint recorded. */
static ssize_t eof_or_error(int fd, ssize_t n, size_t asked) {
    uint64_t token;
    char type;
    if (n != 0 || asked == 0 || !stack_fd(fd, &token, &type) || type != AS_TYPE_STREAM) {
        return n;
    }
    if (!eof_may_carry_error(fd)) {
        return 0;
    }
    int32_t st[3] = { 0, 0, 0 };
    size_t got = 0;
    int r = rpc(AS_STATUS, token, NULL, 0, st, sizeof st, &got, NULL);
    if (r >= 0 && got >= sizeof st && st[2] > 0) {
        return fail(-st[2]);
    }
    if (r == -ENETDOWN) {
        /* The server went away: reset once, then the swapped socket's EOF (gone.c). */
        int e = gone_swap_connection(fd);
        return e < 0 ? fail(e) : 0;
    }
    return 0;
}

ssize_t read(int fd, void *buf, size_t len) {
    shim_init();
    uint64_t token;
    if (dgram_fast(fd, &token)) {
        struct iovec iov = { buf, len };
        return dgram_recv(fd, token, &iov, 1, 0, NULL, NULL, NULL);
    }
    ssize_t n = real.read(fd, buf, len);
    return n == 0 ? eof_or_error(fd, n, len) : n;
}

ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen) {
    (void) buflen;
    return read(fd, buf, len);
}

ssize_t recv(int fd, void *buf, size_t len, int flags) {
    shim_init();
    uint64_t token;
    if (dgram_fast(fd, &token)) {
        struct iovec iov = { buf, len };
        return dgram_recv(fd, token, &iov, 1, flags, NULL, NULL, NULL);
    }
    ssize_t n = real.recv(fd, buf, len, flags);
    return n == 0 ? eof_or_error(fd, n, len) : n;
}

ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags) {
    (void) buflen;
    return recv(fd, buf, len, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen) {
    shim_init();
    uint64_t token;
    if (from != NULL ? dgram_checked(fd, &token) : dgram_fast(fd, &token)) {
        struct iovec iov = { buf, len };
        return dgram_recv(fd, token, &iov, 1, flags, from, fromlen, NULL);
    }
    ssize_t n = real.recvfrom(fd, buf, len, flags, from, fromlen);
    return n == 0 ? eof_or_error(fd, n, len) : n;
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
                       struct sockaddr *from, socklen_t *fromlen) {
    (void) buflen;
    return recvfrom(fd, buf, len, flags, from, fromlen);
}

/* fds arriving with SCM_RIGHTS may be anything: forget what their numbers held before. */
static void forget_passed_fds(struct msghdr *msg) {
    if (msg == NULL || msg->msg_control == NULL) {
        return;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < n; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                fdkind_set(fd, 0);
            }
        }
    }
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    shim_init();
    uint64_t token;
    if (msg != NULL && dgram_checked(fd, &token)) {
        return dgram_recv(fd, token, msg->msg_iov, msg->msg_iovlen, flags,
                          msg->msg_name, msg->msg_name != NULL ? &msg->msg_namelen : NULL, msg);
    }
    ssize_t n = real.recvmsg(fd, msg, flags);
    if (n > 0) {
        forget_passed_fds(msg);
    }
    if (n == 0) {
        size_t asked = 0;
        for (size_t i = 0; msg != NULL && i < msg->msg_iovlen; i++) {
            asked += msg->msg_iov[i].iov_len;
        }
        return eof_or_error(fd, n, asked);
    }
    return n;
}

int recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags, struct timespec *timeout) {
    shim_init();
    uint64_t token;
    if (!dgram_checked(fd, &token)) {
        return real.recvmmsg(fd, v, vlen, flags, timeout);
    }
    unsigned int i = 0;
    for (; i < vlen; i++) {
        /* MSG_WAITFORONE: only the first may wait. */
        int f = flags & ~MSG_WAITFORONE;
        if (i > 0 && (flags & MSG_WAITFORONE)) {
            f |= MSG_DONTWAIT;
        }
        ssize_t n = recvmsg(fd, &v[i].msg_hdr, f);
        if (n < 0) {
            if (i > 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            }
            return i > 0 ? (int) i : -1;
        }
        v[i].msg_len = (unsigned int) n;
    }
    return (int) i;
}

ssize_t write(int fd, const void *buf, size_t len) {
    shim_init();
    uint64_t token;
    if (dgram_fast(fd, &token)) {
        struct iovec iov = { (void *) buf, len };
        return dgram_send(fd, token, &iov, 1, 0, NULL, 0);
    }
    return real.write(fd, buf, len);
}

ssize_t send(int fd, const void *buf, size_t len, int flags) {
    shim_init();
    uint64_t token;
    if (dgram_fast(fd, &token)) {
        struct iovec iov = { (void *) buf, len };
        return dgram_send(fd, token, &iov, 1, flags, NULL, 0);
    }
    return real.send(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen) {
    shim_init();
    uint64_t token;
    char type;
    if (to != NULL ? dgram_checked(fd, &token) : dgram_fast(fd, &token)) {
        struct iovec iov = { (void *) buf, len };
        return dgram_send(fd, token, &iov, 1, flags, to, tolen);
    }
    if (to != NULL && stack_fd(fd, &token, &type) && (type == AS_TYPE_STREAM || type == AS_TYPE_GONE)) {
        /* Linux TCP ignores the address of sendto on a connected socket. */
        to = NULL;
        tolen = 0;
    }
    return real.sendto(fd, buf, len, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
    shim_init();
    uint64_t token;
    char type;
    if (msg != NULL && dgram_checked(fd, &token)) {
        return dgram_send(fd, token, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name, msg->msg_namelen);
    }
    if (msg != NULL && msg->msg_name != NULL && stack_fd(fd, &token, &type)
            && (type == AS_TYPE_STREAM || type == AS_TYPE_GONE)) {
        struct msghdr copy = *msg;
        copy.msg_name = NULL;
        copy.msg_namelen = 0;
        return real.sendmsg(fd, &copy, flags);
    }
    return real.sendmsg(fd, msg, flags);
}

int sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags) {
    shim_init();
    uint64_t token;
    if (!dgram_checked(fd, &token)) {
        return real.sendmmsg(fd, v, vlen, flags);
    }
    unsigned int i = 0;
    for (; i < vlen; i++) {
        ssize_t n = sendmsg(fd, &v[i].msg_hdr, flags);
        if (n < 0) {
            return i > 0 ? (int) i : -1;
        }
        v[i].msg_len = (unsigned int) n;
    }
    return (int) i;
}
