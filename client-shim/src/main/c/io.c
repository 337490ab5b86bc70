/*
 * Data calls. Bytes flow natively through the data socket; these wrappers only fix what a unix
 * stream cannot say by itself: a reset (the endpoint records it, and a read that sees EOF asks
 * for it), and a destination address on a stream (TCP ignores it, AF_UNIX would refuse it).
 */
#include "shim.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* A read of a stack stream returned 0: EOF, or a reset/timeout the endpoint recorded. */
static ssize_t eof_or_error(int fd, ssize_t n, size_t asked) {
    uint64_t token;
    char type;
    if (n != 0 || asked == 0 || !stack_fd(fd, &token, &type) || type != AS_TYPE_STREAM) {
        return n;
    }
    int32_t st[3] = { 0, 0, 0 };
    size_t got = 0;
    int r = rpc(AS_STATUS, token, NULL, 0, st, sizeof st, &got, NULL);
    if (r >= 0 && got >= sizeof st && st[2] > 0) {
        return fail(-st[2]);
    }
    return 0;
}

ssize_t read(int fd, void *buf, size_t len) {
    shim_init();
    ssize_t n = real.read(fd, buf, len);
    return n == 0 ? eof_or_error(fd, n, len) : n;
}

ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen) {
    (void) buflen;
    return read(fd, buf, len);
}

ssize_t recv(int fd, void *buf, size_t len, int flags) {
    shim_init();
    ssize_t n = real.recv(fd, buf, len, flags);
    return n == 0 ? eof_or_error(fd, n, len) : n;
}

ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags) {
    (void) buflen;
    return recv(fd, buf, len, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen) {
    shim_init();
    ssize_t n = real.recvfrom(fd, buf, len, flags, from, fromlen);
    return n == 0 ? eof_or_error(fd, n, len) : n;
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
                       struct sockaddr *from, socklen_t *fromlen) {
    (void) buflen;
    return recvfrom(fd, buf, len, flags, from, fromlen);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    shim_init();
    ssize_t n = real.recvmsg(fd, msg, flags);
    if (n == 0) {
        size_t asked = 0;
        for (size_t i = 0; msg != NULL && i < msg->msg_iovlen; i++) {
            asked += msg->msg_iov[i].iov_len;
        }
        return eof_or_error(fd, n, asked);
    }
    return n;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen) {
    shim_init();
    uint64_t token;
    char type;
    if (to != NULL && stack_fd(fd, &token, &type) && type == AS_TYPE_STREAM) {
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
    if (msg != NULL && msg->msg_name != NULL && stack_fd(fd, &token, &type) && type == AS_TYPE_STREAM) {
        struct msghdr copy = *msg;
        copy.msg_name = NULL;
        copy.msg_namelen = 0;
        return real.sendmsg(fd, &copy, flags);
    }
    return real.sendmsg(fd, msg, flags);
}
