/*
 * The server of the tenant went away (killed, crashed, restarted) under a running program.
 * Every data socket it held is then at EOF with POLLHUP for good, and a listening socket's
 * stays readable for poll and epoll although accept can never return a connection: an event
 * loop that accepts on readiness (nginx's workers) spun at 100% CPU. So the first call that
 * finds a stack socket of a vanished server swaps its data socket, under the same fd number,
 * for a socket of the process's own that says what Linux says once the network is gone:
 *
 * - a listener becomes an AF_UNIX listening socket nobody connects to: never ready, and accept
 *   fails with EAGAIN when non-blocking or waits (signals, SO_RCVTIMEO), natively, as a Linux
 *   listener that nothing reaches any more;
 * - a connection becomes one end of a socketpair whose other end is closed: EOF, POLLHUP and
 *   EPIPE, like a reset connection's tombstone; the read that finds it reports ECONNRESET;
 * - a datagram socket (its doorbells at EOF) becomes an AF_UNIX datagram socket nobody sends
 *   to: never readable, a receive fails with EAGAIN or waits, natively.
 *
 * They are bound to "\0alpenstack:x:<16 hex digits>" ('y' for the datagram one), so every
 * process that holds one (fork, exec, SCM_RIGHTS) knows it for a stack socket whose server is
 * gone (stack_fd: type AS_TYPE_GONE or AS_TYPE_GONE_DGRAM, token 0), and calls that need the
 * server (sendto, getsockname, setsockopt ...) fail with ENETDOWN without asking (rpc).
 *
 * The swap replaces the file behind the number in this process only: another process sharing
 * the data socket (nginx's master and sibling workers) swaps its own when it notices. An epoll
 * set that watched the old file keeps watching it, under the old number, for as long as
 * another process holds it, and would report it ready for ever; so its registrations move to
 * the new socket with the events and data the program gave, read from /proc/self/fdinfo of
 * the process's epoll fds. Without /proc (a chrooted process) they stay on the dead socket.
 */
#include "shim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

void gone_notice(void) {
    static int told;
    uint64_t t;
    char type;
    if (__atomic_exchange_n(&told, 1, __ATOMIC_RELAXED) || stack_fd(2, &t, &type)) {
        return; /* told already, or stderr is a stack socket (inetd style): dead, or the peer's */
    }
    /* The tenant's name is the endpoint's file name without ".sock" (alpenstack-run --tenant). */
    const char *ep = shim_endpoint() != NULL ? shim_endpoint() : "?";
    const char *base = strrchr(ep, '/') != NULL ? strrchr(ep, '/') + 1 : ep;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".sock") == 0) {
        len -= 5;
    }
    char line[512];
    int n = snprintf(line, sizeof line,
                     "alpenstack: the server for tenant %.*s went away; its listening sockets stay idle, its"
                     " connections are reset, and new sockets fail with ENETDOWN until it is back\n",
                     (int) len, base);
    int saved = errno;
    if (n > 0) {
        /* One write, as the program's own stderr gets it (nginx: its error log). */
        ssize_t w = real.write(2, line, (size_t) n < sizeof line ? (size_t) n : sizeof line - 1);
        (void) w;
    }
    errno = saved;
}

int gone_answer(int r) {
    /* No server to ask (ENETDOWN), or a new one that never heard of the token (EBADF). */
    return r == -ENETDOWN || r == -EBADF;
}

int socket_gone(int fd, uint64_t token) {
    uint64_t t;
    char type;
    if (stack_fd(fd, &t, &type) && (type == AS_TYPE_GONE || type == AS_TYPE_GONE_DGRAM)) {
        return 1; /* another thread swapped it meanwhile */
    }
    /* A live server never closes the data socket of a listener or a datagram socket while the
     * program holds it: a hang-up there is the program's shutdown (the server answers STATUS)
     * or the server's end. */
    if (!eof_may_carry_error(fd)) {
        return 0;
    }
    int32_t st[3];
    return gone_answer(rpc(AS_STATUS, token, NULL, 0, st, sizeof st, NULL, NULL));
}

#define MAX_WATCHES 16

struct watch {
    int epfd;
    uint32_t events;
    uint64_t data;
};

/* The registrations of file `ino` under number fd in one epoll fd's fdinfo. */
static int watches_in(int epfd, int fd, unsigned long ino, struct watch *w, int n) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", epfd);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0) {
        return n;
    }
    /* One line per registration: "tfd: %d events: %x data: %llx  pos:%lli ino:%lx sdev:%x". */
    char buf[8192];
    size_t have = 0;
    for (;;) {
        ssize_t k = real.read(f, buf + have, sizeof buf - 1 - have);
        if (k <= 0) {
            break;
        }
        have += (size_t) k;
        buf[have] = '\0';
        char *line = buf;
        char *nl;
        while ((nl = strchr(line, '\n')) != NULL) {
            *nl = '\0';
            int tfd;
            unsigned events;
            unsigned long long data;
            unsigned long lino;
            if (n < MAX_WATCHES && sscanf(line, "tfd: %d events: %x data: %llx pos:%*d ino:%lx", &tfd, &events,
                                          &data, &lino) == 4 && tfd == fd && lino == ino) {
                w[n++] = (struct watch){ epfd, events, data };
            }
            line = nl + 1;
        }
        have -= (size_t) (line - buf);
        memmove(buf, line, have);
        if (have == sizeof buf - 1) {
            have = 0; /* a line longer than the buffer: not one of ours */
        }
    }
    real.close(f);
    return n;
}

/* This process's epoll registrations of fd's file (inode ino). */
static int find_watches(int fd, unsigned long ino, struct watch *w) {
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) {
        return 0;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_WATCHES) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') {
            continue;
        }
        int epfd = atoi(e->d_name);
        char path[64];
        char link[32];
        snprintf(path, sizeof path, "/proc/self/fd/%d", epfd);
        ssize_t k = readlink(path, link, sizeof link - 1);
        if (k > 0 && epfd != dirfd(d)) {
            link[k] = '\0';
            if (strcmp(link, "anon_inode:[eventpoll]") == 0) {
                n = watches_in(epfd, fd, ino, w, n);
            }
        }
    }
    closedir(d);
    return n;
}

/* A new AF_UNIX socket's name: a gone stack socket's, unique for the process. */
static int bind_gone(int s, char type) {
    static unsigned counter;
    for (int i = 0; i < 8; i++) {
        uint64_t id = (uint64_t) getpid() << 32 | __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
        struct sockaddr_un a;
        socklen_t len = data_socket_name(&a, type, id);
        if (real.bind(s, (struct sockaddr *) &a, len) == 0) {
            return 0;
        }
        if (errno != EADDRINUSE) {
            return -1;
        }
    }
    return -1;
}

/* Puts `repl` (bound) under fd's number with fd's O_NONBLOCK, FD_CLOEXEC and epoll registrations. */
static int swap_in(int fd, int repl, int kind) {
    struct stat st;
    int fdflags = real.fcntl(fd, F_GETFD);
    int flags = real.fcntl(fd, F_GETFL);
    if (fstat(fd, &st) < 0 || fdflags < 0 || flags < 0) {
        real.close(repl);
        return -1;
    }
    real.fcntl(repl, F_SETFL, flags & O_NONBLOCK);
    struct watch w[MAX_WATCHES];
    int n = find_watches(fd, (unsigned long) st.st_ino, w);
    /* Removed while the number still names the old file (epoll keys on file and number). */
    for (int i = 0; i < n; i++) {
        epoll_ctl(w[i].epfd, EPOLL_CTL_DEL, fd, NULL);
    }
    int r = real.dup3(repl, fd, (fdflags & FD_CLOEXEC) ? O_CLOEXEC : 0);
    real.close(repl);
    if (r < 0) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        struct epoll_event ev;
        memset(&ev, 0, sizeof ev);
        ev.events = w[i].events;
        ev.data.u64 = w[i].data;
        epoll_ctl(w[i].epfd, EPOLL_CTL_ADD, fd, &ev);
    }
    fdkind_set(fd, kind); /* dgram.c: 2 routes read/recv/write to the datagram calls */
    return 0;
}

/*
 * A socket of our own of SOCK_STREAM or SOCK_DGRAM that nobody will ever talk to, bound to the
 * "gone" name of gone_type and with the SO_RCVTIMEO of fd, so that a blocking
 * call on the swapped fd keeps its timeout. -1 with errno on failure.
 */
static int idle_socket(int fd, int type, char gone_type) {
    int s = real.socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (s < 0) {
        return -1;
    }
    char tv[32];
    socklen_t tvlen = sizeof tv;
    if (real.getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, &tvlen) == 0) {
        real.setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, tv, tvlen);
    }
    if (bind_gone(s, gone_type) < 0) {
        int e = errno;
        real.close(s);
        errno = e;
        return -1;
    }
    return s;
}

int gone_swap_listener(int fd) {
    uint64_t t;
    char type;
    if (stack_fd(fd, &t, &type) && type == AS_TYPE_GONE) {
        return 0; /* another thread of ours was first */
    }
    gone_notice();
    int saved = errno;
    /* A blocking accept keeps its timeout (SO_RCVTIMEO bounds accept on Linux and here). */
    int s = idle_socket(fd, SOCK_STREAM, AS_TYPE_GONE);
    if (s < 0 || real.listen(s, 0) < 0) {
        if (s >= 0) {
            real.close(s);
        }
        return -1;
    }
    int r = swap_in(fd, s, 1);
    errno = saved;
    return r;
}

int gone_accept(int fd, int flags) {
    for (;;) {
        int s = real.accept4(fd, NULL, NULL, flags & SOCK_CLOEXEC);
        if (s < 0) {
            return -1; /* EAGAIN, EINTR; EINVAL on a gone connection (not listening, as Linux) */
        }
        /* Someone found the name in /proc/net/unix: nothing of the stack's. */
        real.close(s);
        int fl = real.fcntl(fd, F_GETFL);
        if (fl < 0 || (fl & O_NONBLOCK)) {
            return fail(-EAGAIN);
        }
    }
}

int gone_swap_connection(int fd) {
    uint64_t t;
    char type;
    if (stack_fd(fd, &t, &type) && type == AS_TYPE_GONE) {
        return 0; /* reported already */
    }
    gone_notice();
    int saved = errno;
    int sv[2];
    if (real.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        return -ECONNRESET;
    }
    /* Bound before its peer goes: EOF, POLLHUP and EPIPE from then on. */
    if (bind_gone(sv[0], AS_TYPE_GONE) < 0) {
        real.close(sv[0]);
    } else {
        swap_in(fd, sv[0], 1);
    }
    real.close(sv[1]);
    errno = saved;
    return -ECONNRESET;
}

int gone_swap_datagram(int fd) {
    uint64_t t;
    char type;
    if (stack_fd(fd, &t, &type) && type == AS_TYPE_GONE_DGRAM) {
        return 0; /* another thread of ours was first */
    }
    gone_notice();
    int saved = errno;
    /* A blocking receive keeps its timeout, which the native wait for a doorbell honours. */
    int s = idle_socket(fd, SOCK_DGRAM, AS_TYPE_GONE_DGRAM);
    if (s < 0) {
        return -1;
    }
    int r = swap_in(fd, s, 2);
    errno = saved;
    return r;
}
