/*
 * The per-process control channel: one AF_UNIX stream connection to the tenant endpoint,
 * opened lazily, kept at a high fd with O_CLOEXEC, re-opened in a forked child (the parent's
 * connection is the parent's: two processes interleaving frames on one stream would corrupt it).
 *
 * A process running as root also opens a *pass-fd channel* with its control channel: daemons
 * such as vsftpd chroot and drop to another user, after which the endpoint's path is out of
 * reach (and its policy would refuse the new uid). From then on a new connection to the
 * endpoint is one end of a socketpair whose other end travels to the endpoint over that
 * channel with SCM_RIGHTS; the endpoint trusts what arrives there, since the channel passed
 * its policy when root opened it. Forked children inherit the channel (many processes may send
 * on it: every message is one byte and one fd, which the kernel keeps whole).
 */
#include "shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <unistd.h>

struct real_fns real;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static const char *endpoint;
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static int ctl_fd = -1;
static pid_t ctl_pid;
static int passfd_fd = -1;
static uint32_t next_seq = 1;

#define RESOLVE(name) real.name = (__typeof__(real.name)) dlsym(RTLD_NEXT, #name)

static void after_fork_child(void) {
    /* Our copy of the parent's control fd must go; the child opens its own on first use. */
    if (ctl_fd >= 0) {
        real.close(ctl_fd);
    }
    ctl_fd = -1;
    pthread_mutex_init(&ctl_lock, NULL);
}

static void before_fork(void) {
    pthread_mutex_lock(&ctl_lock);
}

static void after_fork_parent(void) {
    pthread_mutex_unlock(&ctl_lock);
}

static void do_init(void) {
    RESOLVE(socket);
    RESOLVE(socketpair);
    RESOLVE(bind);
    RESOLVE(listen);
    RESOLVE(accept);
    RESOLVE(accept4);
    RESOLVE(connect);
    RESOLVE(getsockname);
    RESOLVE(getpeername);
    RESOLVE(getsockopt);
    RESOLVE(setsockopt);
    RESOLVE(shutdown);
    RESOLVE(ioctl);
    RESOLVE(read);
    RESOLVE(write);
    RESOLVE(send);
    RESOLVE(dup);
    RESOLVE(recvmmsg);
    RESOLVE(sendmmsg);
    RESOLVE(recv);
    RESOLVE(recvfrom);
    RESOLVE(recvmsg);
    RESOLVE(sendto);
    RESOLVE(sendmsg);
    RESOLVE(close);
    RESOLVE(close_range);
    RESOLVE(closefrom);
    RESOLVE(dup2);
    RESOLVE(dup3);
    RESOLVE(fcntl);
    RESOLVE(fcntl64);
    if (real.fcntl64 == NULL) {
        real.fcntl64 = real.fcntl;
    }
    const char *e = getenv("ALPENSTACK_ENDPOINT");
    if (e != NULL && e[0] != '\0' && strlen(e) < sizeof(((struct sockaddr_un *) 0)->sun_path)) {
        endpoint = strdup(e);
    }
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

void shim_init(void) {
    pthread_once(&init_once, do_init);
}

__attribute__((constructor)) static void shim_constructor(void) {
    shim_init();
}

int shim_enabled(void) {
    shim_init();
    return endpoint != NULL && !shim_confined();
}

const char *shim_endpoint(void) {
    return endpoint;
}

int ctl_fd_current(void) {
    return ctl_fd;
}

static int write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = real.sendto(fd, p, len, MSG_NOSIGNAL, NULL, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len) {
    char *p = buf;
    while (len > 0) {
        ssize_t n = real.read(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (n == 0) {
            errno = ECONNRESET;
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

int shim_connect_endpoint(int type_flags) {
    return shim_connect_endpoint_bound(type_flags, NULL, 0);
}

int passfd_current(void) {
    return passfd_fd;
}

/* One end of a new socketpair, the other end handed to the endpoint over the pass-fd channel. */
static int connect_by_passing(int type_flags, const struct sockaddr_un *name, socklen_t namelen) {
    int sv[2];
    if (real.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        return -1;
    }
    if (name != NULL && real.bind(sv[0], (const struct sockaddr *) name, namelen) < 0) {
        goto fail;
    }
    char one = 0;
    struct iovec iov = { &one, 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
    ssize_t n;
    do {
        n = real.sendmsg(passfd_fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
        errno = ENETDOWN;
        goto fail;
    }
    real.close(sv[1]);
    if (type_flags & SOCK_NONBLOCK) {
        real.fcntl(sv[0], F_SETFL, real.fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    }
    return sv[0];
fail:;
    int e = errno;
    real.close(sv[0]);
    real.close(sv[1]);
    errno = e;
    return -1;
}

int shim_connect_endpoint_bound(int type_flags, const struct sockaddr_un *name, socklen_t namelen) {
    /* Not root any more (the endpoint's policy would refuse us): the channel root opened. */
    if (passfd_fd >= 0 && geteuid() != 0) {
        return connect_by_passing(type_flags, name, namelen);
    }
    int fd = real.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | type_flags, 0);
    if (fd < 0) {
        return -1;
    }
    if (name != NULL && real.bind(fd, (const struct sockaddr *) name, namelen) < 0) {
        int e = errno;
        real.close(fd);
        errno = e;
        return -1;
    }
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, endpoint);
    int r;
    do {
        r = real.connect(fd, (struct sockaddr *) &sa, sizeof sa);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        int e = errno;
        real.close(fd);
        if (passfd_fd >= 0 && e != EINTR) {
            /* chroot: the path is gone, or no longer ours to open. */
            return connect_by_passing(type_flags, name, namelen);
        }
        errno = e;
        return -1;
    }
    return fd;
}

/* A high fd number for the control socket, out of the way of programs that count fds up from 0. */
static int high_fd_floor(void) {
    struct rlimit rl;
    long limit = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        limit = (long) rl.rlim_cur;
    }
    if (limit > 1024) {
        limit = 1024;
    }
    return limit > 64 ? (int) limit - 48 : 3;
}

/* The pass-fd channel (see the top of this file); without it, chroot or setuid end the attachment. */
static void open_passfd(void) {
    int fd = shim_connect_endpoint(0);
    if (fd < 0) {
        return;
    }
    int high = real.fcntl(fd, F_DUPFD_CLOEXEC, high_fd_floor());
    if (high >= 0) {
        real.close(fd);
        fd = high;
    }
    struct as_hello h = { AS_MAGIC, AS_VERSION, AS_KIND_PASSFD, (uint64_t) getpid() };
    struct as_hello_reply hr;
    memset(&hr, 0, sizeof hr);
    /* Nothing may be sent before the reply: the endpoint switches the channel to fd reading first. */
    if (write_all(fd, &h, sizeof h) < 0 || read_all(fd, &hr, sizeof hr) < 0
            || hr.magic != AS_MAGIC || hr.status != 0) {
        real.close(fd);
        return;
    }
    passfd_fd = fd;
}

/* Called with ctl_lock held. */
static int ensure_ctl(void) {
    pid_t pid = getpid();
    if (ctl_fd >= 0 && ctl_pid == pid) {
        return 0;
    }
    if (ctl_fd >= 0) {
        /* A pid change without our fork handler (raw clone): leave the parent's fd alone. */
        ctl_fd = -1;
    }
    int fd = shim_connect_endpoint(0);
    if (fd < 0) {
        return -ENETDOWN;
    }
    int high = real.fcntl(fd, F_DUPFD_CLOEXEC, high_fd_floor());
    if (high >= 0) {
        real.close(fd);
        fd = high;
    }
    struct as_hello h = { AS_MAGIC, AS_VERSION, AS_KIND_CONTROL, (uint64_t) pid };
    struct as_hello_reply hr;
    memset(&hr, 0, sizeof hr);
    if (write_all(fd, &h, sizeof h) < 0 || read_all(fd, &hr, sizeof hr) < 0
            || hr.magic != AS_MAGIC || hr.status != 0) {
        int status = hr.status;
        real.close(fd);
        return status == EACCES ? -EACCES : -ENETDOWN;
    }
    ctl_fd = fd;
    ctl_pid = pid;
    if (passfd_fd < 0 && geteuid() == 0) {
        open_passfd();
    }
    return 0;
}

static int move_high(int fd) {
    int moved = real.fcntl(fd, F_DUPFD_CLOEXEC, high_fd_floor());
    if (moved == fd || moved < 0) {
        moved = real.fcntl(fd, F_DUPFD_CLOEXEC, 3);
    }
    real.close(fd);
    return moved;
}

void ctl_evacuate(int fd) {
    if (fd >= 0 && fd == passfd_fd) {
        pthread_mutex_lock(&ctl_lock);
        if (fd == passfd_fd) {
            passfd_fd = move_high(passfd_fd);
        }
        pthread_mutex_unlock(&ctl_lock);
    }
    if (fd < 0 || fd != ctl_fd) {
        return;
    }
    pthread_mutex_lock(&ctl_lock);
    if (fd == ctl_fd) {
        int moved = real.fcntl(ctl_fd, F_DUPFD_CLOEXEC, high_fd_floor());
        if (moved == ctl_fd || moved < 0) {
            moved = real.fcntl(ctl_fd, F_DUPFD_CLOEXEC, 3);
        }
        if (moved >= 0) {
            real.close(ctl_fd);
            ctl_fd = moved;
        } else {
            real.close(ctl_fd);
            ctl_fd = -1;
        }
    }
    pthread_mutex_unlock(&ctl_lock);
}

int rpc(uint16_t op, uint64_t token, const void *payload, size_t len,
        void *out, size_t out_cap, size_t *out_len, uint64_t *out_token) {
    if (len > AS_MAX_PAYLOAD) {
        return -EINVAL;
    }
    /* The endpoint never draws token 0: it stands for a socket whose server went away (gone.c). */
    if (token == 0 && op != AS_SOCKET && op != AS_GETIFADDRS && op != AS_RESOLVER) {
        return -ENETDOWN;
    }
    int saved = errno;
    pthread_mutex_lock(&ctl_lock);
    int r = ensure_ctl();
    if (r < 0) {
        pthread_mutex_unlock(&ctl_lock);
        errno = saved;
        return r;
    }
    char buf[AS_HEADER + 512];
    char *req = len <= 512 ? buf : malloc(AS_HEADER + len);
    if (req == NULL) {
        pthread_mutex_unlock(&ctl_lock);
        return -ENOMEM;
    }
    struct as_header h = { (uint32_t) (AS_HEADER + len), op, 0, next_seq++, 0, token };
    memcpy(req, &h, sizeof h);
    if (len > 0) {
        memcpy(req + AS_HEADER, payload, len);
    }
    struct as_header rh;
    int ok = write_all(ctl_fd, req, AS_HEADER + len) == 0 && read_all(ctl_fd, &rh, sizeof rh) == 0
            && rh.op == (op | AS_REPLY) && rh.seq == h.seq
            && rh.length >= AS_HEADER && rh.length <= AS_HEADER + AS_MAX_PAYLOAD;
    if (req != buf) {
        free(req);
    }
    if (!ok) {
        /* The endpoint went away or the stream is out of step: drop it, report the network down. */
        real.close(ctl_fd);
        ctl_fd = -1;
        pthread_mutex_unlock(&ctl_lock);
        gone_notice();
        errno = saved;
        return -ENETDOWN;
    }
    size_t plen = rh.length - AS_HEADER;
    size_t keep = plen < out_cap ? plen : out_cap;
    if (keep > 0 && read_all(ctl_fd, out, keep) < 0) {
        ok = 0;
    }
    /* Discard what does not fit. */
    for (size_t rest = plen - keep; ok && rest > 0;) {
        char sink[256];
        size_t n = rest < sizeof sink ? rest : sizeof sink;
        if (read_all(ctl_fd, sink, n) < 0) {
            ok = 0;
        }
        rest -= n;
    }
    if (!ok) {
        real.close(ctl_fd);
        ctl_fd = -1;
        pthread_mutex_unlock(&ctl_lock);
        gone_notice();
        errno = saved;
        return -ENETDOWN;
    }
    pthread_mutex_unlock(&ctl_lock);
    if (out_len != NULL) {
        *out_len = keep;
    }
    if (out_token != NULL) {
        *out_token = rh.token;
    }
    errno = saved;
    return rh.result;
}
