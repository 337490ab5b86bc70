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
#include <stdlib.h>
#include <string.h>

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
    if (stack_fd(fd, token, &type) && type != AS_TYPE_STREAM) {
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

ssize_t dgram_recv(int fd, uint64_t token, const struct iovec *iov, size_t iovcnt, int flags,
                   struct sockaddr *from, socklen_t *fromlen, int *msg_flags) {
    /* Wait (or not) for a doorbell, natively: O_NONBLOCK, MSG_DONTWAIT, SO_RCVTIMEO, EINTR. */
    char bell;
    ssize_t n = real.recv(fd, &bell, 1, flags & (MSG_DONTWAIT | MSG_PEEK));
    if (n < 0) {
        return -1;
    }
    if (n == 0) {
        return fail(-ENOTCONN); /* the endpoint closed this socket */
    }
    size_t len = 0;
    for (size_t i = 0; i < iovcnt; i++) {
        len += iov[i].iov_len;
    }
    size_t cap = len < AS_MAX_PAYLOAD - 16 ? len : AS_MAX_PAYLOAD - 16;
    int32_t req[2] = { flags & (MSG_PEEK | MSG_TRUNC), (int32_t) cap };
    char *out = malloc(16 + cap);
    if (out == NULL) {
        return fail(-ENOBUFS);
    }
    size_t got = 0;
    int r = rpc(AS_RECVFROM, token, req, sizeof req, out, 16 + cap, &got, NULL);
    if (r < 0) {
        free(out);
        return fail(r);
    }
    size_t copied = got > 16 ? got - 16 : 0;
    size_t off = 0;
    for (size_t i = 0; i < iovcnt && off < copied; i++) {
        size_t k = iov[i].iov_len < copied - off ? iov[i].iov_len : copied - off;
        memcpy(iov[i].iov_base, out + 16 + off, k);
        off += k;
    }
    if (from != NULL && fromlen != NULL && got >= 16) {
        socklen_t k = *fromlen < 16 ? *fromlen : 16;
        memcpy(from, out, k);
        *fromlen = 16;
    }
    free(out);
    if (msg_flags != NULL) {
        *msg_flags = (size_t) r > len ? MSG_TRUNC : 0;
    }
    return (flags & MSG_TRUNC) ? r : (ssize_t) copied;
}
