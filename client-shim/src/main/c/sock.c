/*
 * The socket calls of AF_INET sockets, as RPCs to the tenant endpoint. Each wrapper first asks
 * the fd who it is (stack_fd); anything that is not one of our data sockets goes to libc.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define BASE_TYPE(t) ((t) & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))

int socket(int domain, int type, int protocol) {
    shim_init();
    if (!shim_enabled() || (domain != AF_INET && domain != AF_INET6)) {
        return real.socket(domain, type, protocol);
    }
    int base = BASE_TYPE(type);
    if (domain == AF_INET6) {
        /* The stack has no IPv6 yet; programs fall back to IPv4 as on a host without it. */
        return fail(-EAFNOSUPPORT);
    }
    int32_t req[3] = { domain, base, protocol };
    uint64_t token = 0;
    int r = rpc(AS_SOCKET, 0, req, sizeof req, NULL, 0, NULL, &token);
    if (r < 0) {
        return fail(r);
    }
    char kind = base == SOCK_STREAM ? AS_TYPE_STREAM : protocol == IPPROTO_ICMP ? AS_TYPE_PING : AS_TYPE_DGRAM;
    int fd = open_data_socket(token, kind, type & (SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (fd < 0) {
        rpc(AS_CLOSE, token, NULL, 0, NULL, 0, NULL, NULL);
        return fail(fd);
    }
    fdkind_set(fd, kind == AS_TYPE_STREAM ? 1 : 2);
    return fd;
}

int socketpair(int domain, int type, int protocol, int sv[2]) {
    shim_init();
    if (shim_enabled() && (domain == AF_INET || domain == AF_INET6)) {
        return fail(-EOPNOTSUPP); /* as Linux: inet sockets have no socketpair */
    }
    return real.socketpair(domain, type, protocol, sv);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    uint64_t token;
    char type;
    shim_init();
    if (!stack_fd(fd, &token, &type)) {
        return real.bind(fd, addr, len);
    }
    if (addr == NULL || len > 128) {
        return fail(-EINVAL);
    }
    int r = rpc(AS_BIND, token, addr, len, NULL, 0, NULL, NULL);
    return r < 0 ? fail(r) : 0;
}

int listen(int fd, int backlog) {
    uint64_t token;
    char type;
    shim_init();
    if (!stack_fd(fd, &token, &type)) {
        return real.listen(fd, backlog);
    }
    if (type != AS_TYPE_STREAM) {
        return fail(type == AS_TYPE_GONE ? -ENETDOWN : -EOPNOTSUPP);
    }
    int32_t b = backlog;
    int r = rpc(AS_LISTEN, token, &b, sizeof b, NULL, 0, NULL, NULL);
    if (r < 0) {
        return fail(r);
    }
    note_listening(token);
    return 0;
}

static void fill_sockaddr(struct sockaddr *addr, socklen_t *len, const void *sa, socklen_t salen) {
    if (addr != NULL && len != NULL) {
        socklen_t n = *len < salen ? *len : salen;
        memcpy(addr, sa, n);
        *len = salen;
    }
}

/*
 * A listener whose server went away: from now on an idle listener of the process's own, so that
 * it is never ready and accept answers as Linux's with nothing pending (gone.c).
 */
static int accept_gone(int fd, int flags) {
    if (gone_swap_listener(fd) < 0) {
        return fail(-ENETDOWN);
    }
    return gone_accept(fd, flags);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    uint64_t token;
    char type;
    shim_init();
    if (!stack_fd(fd, &token, &type)) {
        return real.accept4(fd, addr, len, flags);
    }
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
        return fail(-EINVAL);
    }
    if (type == AS_TYPE_GONE) {
        return gone_accept(fd, flags);
    }
    if (type != AS_TYPE_STREAM) {
        return fail(-EOPNOTSUPP);
    }
    if (!is_listening(token)) {
        int32_t st[3] = { 0, 0, 0 };
        int r = rpc(AS_STATUS, token, NULL, 0, st, sizeof st, NULL, NULL);
        if (r < 0) {
            /* Its server went away (an nginx worker after a binary upgrade has never seen it listen). */
            return gone_answer(r) && eof_may_carry_error(fd) ? accept_gone(fd, flags) : fail(r);
        }
        if (!(st[1] & AS_ST_LISTENING)) {
            return fail(-EINVAL);
        }
        note_listening(token);
    }
    /* One record per pending connection: readiness, blocking, EINTR and O_NONBLOCK are the kernel's. */
    struct as_accept_record rec;
    ssize_t n = real.read(fd, &rec, sizeof rec);
    if (n < 0) {
        return -1;
    }
    if (n == 0) {
        /* The listener was shut down (EINVAL, as Linux), or its server went away. */
        return socket_gone(fd, token) ? accept_gone(fd, flags) : fail(-EINVAL);
    }
    while ((size_t) n < sizeof rec) {
        ssize_t m = real.read(fd, (char *) &rec + n, sizeof rec - (size_t) n);
        if (m < 0 && (errno == EINTR || errno == EAGAIN)) {
            struct pollfd p = { fd, POLLIN, 0 };
            poll(&p, 1, -1);
            continue;
        }
        if (m <= 0) {
            return fail(-ECONNABORTED);
        }
        n += m;
    }
    int nfd = open_data_socket(rec.token, AS_TYPE_STREAM, flags);
    if (nfd == -ENETDOWN && socket_gone(fd, token)) {
        return accept_gone(fd, flags); /* what is still queued went with the server */
    }
    if (nfd < 0) {
        return fail(nfd);
    }
    fdkind_set(nfd, 1);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = rec.port;
    memcpy(&sin.sin_addr, rec.addr, 4);
    fill_sockaddr(addr, len, &sin, sizeof sin);
    return nfd;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, 0);
}

/*
 * Fills the data socket's send queue so it reports no POLLOUT; the endpoint drains exactly
 * these bytes when the handshake is over, and POLLOUT appears natively. The first EAGAIN
 * already means no POLLOUT (the queue holds at least SO_SNDBUF, POLLOUT needs it below a
 * quarter); smaller chunks then fill the rest so that a write of the program's before the
 * handshake is over fails with EAGAIN, as on Linux. A blocking connect (`whole` 0) cannot
 * write meanwhile and stops at the first EAGAIN, six system calls sooner.
 */
static long fill_send_queue(int fd, int whole) {
    static const char zeros[65536];
    long total = 0;
    size_t chunk = sizeof zeros;
    for (;;) {
        ssize_t n = real.sendto(fd, zeros, chunk, MSG_DONTWAIT | MSG_NOSIGNAL, NULL, 0);
        if (n > 0) {
            total += n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN && chunk > 1 && whole) {
            chunk /= 8;
            if (chunk == 0) {
                chunk = 1;
            }
            continue;
        }
        return total;
    }
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    uint64_t token;
    char type;
    shim_init();
    if (!stack_fd(fd, &token, &type)) {
        return real.connect(fd, addr, len);
    }
    if (addr == NULL || len > 128) {
        return fail(-EINVAL);
    }
    int r = rpc(AS_CONNECT, token, addr, len, NULL, 0, NULL, NULL);
    if (r != -EINPROGRESS || type != AS_TYPE_STREAM) {
        return r < 0 ? fail(r) : 0;
    }
    int saved = errno;
    int fl = real.fcntl(fd, F_GETFL);
    int blocking = fl >= 0 && !(fl & O_NONBLOCK);
    /*
     * A blocking connect returns only once the handshake is over, so the queue it fills need not
     * be large: shrunk to the kernel's minimum for the fill, it costs the endpoint a few KiB to
     * drain instead of a whole default send buffer (~200 KiB) per connection, which bounded the
     * connection rate. A non-blocking connect keeps its buffer: the program may see POLLOUT and
     * write before the shim runs again, and must find the buffer it would have on Linux.
     */
    int sndbuf = 0;
    socklen_t sndlen = sizeof sndbuf;
    int shrunk = blocking && real.getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sndlen) == 0
            && real.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ 1 }, sizeof(int)) == 0;
    struct {
        uint64_t filler;
        uint32_t flags;
    } __attribute__((packed)) filled = { (uint64_t) fill_send_queue(fd, !blocking), AS_FILLED_SETTLE };
    errno = saved;
    /* A non-blocking connect sends the count alone: its program asks for the result itself. */
    r = rpc(AS_CONNECT_FILLED, token, &filled, blocking ? sizeof filled : sizeof filled.filler, NULL, 0, NULL, NULL);
    if (r < 0) {
        return fail(r);
    }
    if (!blocking) {
        return fail(-EINPROGRESS);
    }
    /* Blocking connect: wait natively (interruptible, EINTR as Linux), then ask for the result. */
    struct pollfd p = { fd, POLLOUT, 0 };
    int polled = poll(&p, 1, -1);
    if (shrunk) {
        /* Linux reports twice what was set; setting half puts the program's buffer back. */
        saved = errno;
        real.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ sndbuf / 2 }, sizeof(int));
        errno = saved;
    }
    if (polled < 0) {
        return -1;
    }
    /*
     * The endpoint drains the filler (POLLOUT) once the handshake is over; when it failed, it
     * shuts its side first, so EOF is already there. POLLOUT alone, with nothing to read and no
     * EOF, is therefore success, and the endpoint has collected the result (AS_FILLED_SETTLE):
     * no second round trip. Anything else (EOF, an error, data the server sent at once) asks.
     */
    if ((p.revents & (POLLOUT | POLLERR | POLLHUP | POLLNVAL)) == POLLOUT) {
        saved = errno;
        struct pollfd q = { fd, POLLIN | POLLRDHUP, 0 };
        int more = poll(&q, 1, 0);
        errno = saved;
        if (more == 0) {
            return 0;
        }
    }
    r = rpc(AS_CONNECT, token, addr, len, NULL, 0, NULL, NULL);
    /* EISCONN: the endpoint collected the success before this call (data had arrived too). */
    return r == -EISCONN ? 0 : r < 0 ? fail(r) : 0;
}

static int name_call(uint16_t op, int fd, struct sockaddr *addr, socklen_t *len,
                     int (*passthrough)(int, struct sockaddr *, socklen_t *)) {
    uint64_t token;
    char type;
    shim_init();
    if (!stack_fd(fd, &token, &type)) {
        return passthrough(fd, addr, len);
    }
    if (len == NULL) {
        return fail(-EFAULT);
    }
    char sa[128];
    size_t n = 0;
    int r = rpc(op, token, NULL, 0, sa, sizeof sa, &n, NULL);
    if (r < 0) {
        return fail(r);
    }
    fill_sockaddr(addr, len, sa, (socklen_t) n);
    return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len) {
    return name_call(AS_GETSOCKNAME, fd, addr, len, real.getsockname);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len) {
    shim_init();
    return name_call(AS_GETPEERNAME, fd, addr, len, real.getpeername);
}

/* Options that belong to the fd the program holds: timeouts and low-water marks act on the
 * unix socket, where the program's blocking calls really wait. */
static int native_option(int level, int name) {
    return level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO || name == SO_RCVLOWAT
                                   || name == 66 /* SO_RCVTIMEO_NEW */ || name == 67 /* SO_SNDTIMEO_NEW */);
}

static int put_int(void *val, socklen_t *len, int v) {
    if (val == NULL || len == NULL || *len < sizeof(int)) {
        return fail(-EINVAL);
    }
    memcpy(val, &v, sizeof v);
    *len = sizeof v;
    return 0;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len) {
    uint64_t token;
    char type;
    shim_init();
    if (!stack_fd(fd, &token, &type) || native_option(level, name)) {
        return real.getsockopt(fd, level, name, val, len);
    }
    if (level == SOL_SOCKET) {
        switch (name) {
            case SO_TYPE:
                return put_int(val, len, type == AS_TYPE_DGRAM || type == AS_TYPE_PING || type == AS_TYPE_GONE_DGRAM
                                       ? SOCK_DGRAM : SOCK_STREAM);
            case SO_DOMAIN:
                return put_int(val, len, AF_INET);
            case SO_PROTOCOL:
                return put_int(val, len, type == AS_TYPE_PING ? IPPROTO_ICMP
                                       : type == AS_TYPE_DGRAM || type == AS_TYPE_GONE_DGRAM ? IPPROTO_UDP : IPPROTO_TCP);
            default:
                break;
        }
    }
    if (len == NULL || (val == NULL && *len > 0)) {
        return fail(-EFAULT);
    }
    /* SO_ERROR never fails on Linux: once the server is gone, it is the error an event loop
     * waiting for a connect must see; a swapped socket reported its error when it was found. */
    int so_error = level == SOL_SOCKET && name == SO_ERROR;
    if (so_error && (type == AS_TYPE_GONE || type == AS_TYPE_GONE_DGRAM)) {
        return put_int(val, len, 0);
    }
    int32_t req[3] = { level, name, (int32_t) *len };
    char out[512];
    size_t n = 0;
    int r = rpc(AS_GETSOCKOPT, token, req, sizeof req, out, sizeof out, &n, NULL);
    if (r == -ENETDOWN && so_error) {
        return put_int(val, len, ENETDOWN);
    }
    if (r < 0) {
        return fail(r);
    }
    if (level == SOL_SOCKET && name == SO_ACCEPTCONN && n >= 4) {
        int v;
        memcpy(&v, out, 4);
        if (v) {
            note_listening(token);
        }
    }
    socklen_t copy = n < *len ? (socklen_t) n : *len;
    memcpy(val, out, copy);
    *len = copy;
    return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
    uint64_t token;
    char type;
    shim_init();
    if (!stack_fd(fd, &token, &type) || native_option(level, name)) {
        return real.setsockopt(fd, level, name, val, len);
    }
    if (len > 256 || (val == NULL && len > 0)) {
        return fail(len > 256 ? -EINVAL : -EFAULT);
    }
    char req[8 + 256];
    int32_t head[2] = { level, name };
    memcpy(req, head, 8);
    if (len > 0) {
        memcpy(req + 8, val, len);
    }
    int r = rpc(AS_SETSOCKOPT, token, req, 8 + len, NULL, 0, NULL, NULL);
    return r < 0 ? fail(r) : 0;
}

int shutdown(int fd, int how) {
    uint64_t token;
    char type;
    shim_init();
    if (!stack_fd(fd, &token, &type)) {
        return real.shutdown(fd, how);
    }
    int32_t h = how;
    int r = rpc(AS_SHUTDOWN, token, &h, sizeof h, NULL, 0, NULL, NULL);
    if (r < 0) {
        return fail(r);
    }
    /* The endpoint sends FIN when it reads EOF, i.e. after every byte written before this call. */
    if (type == AS_TYPE_STREAM && (how == SHUT_WR || how == SHUT_RDWR)) {
        real.shutdown(fd, SHUT_WR);
    }
    return 0;
}
