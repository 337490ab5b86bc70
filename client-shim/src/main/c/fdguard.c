/*
 * The control socket and the pass-fd channel must survive programs that close or overwrite fds
 * wholesale (daemons closing everything after fork, shells dup2-ing onto high numbers). Closing
 * them is a silent no-op for the program; dup2/dup3 onto their numbers first move them elsewhere.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

/* The shim's own fds (control, pass-fd channel), ascending; -1 entries unused. */
static void guarded_fds(int out[2]) {
    int a = ctl_fd_current();
    int b = passfd_current();
    out[0] = a < b ? a : b;
    out[1] = a < b ? b : a;
}

static int is_guarded(int fd) {
    return fd >= 0 && (fd == ctl_fd_current() || fd == passfd_current());
}

int close(int fd) {
    shim_init();
    if (is_guarded(fd)) {
        return 0;
    }
    fdkind_set(fd, 0);
    return real.close(fd);
}

/* close_range over [first, last] minus the guarded fds. */
static int close_around(unsigned first, unsigned last, int flags) {
    int g[2];
    guarded_fds(g);
    unsigned from = first;
    for (int i = 0; i < 2; i++) {
        if (g[i] < 0 || (unsigned) g[i] < from || (unsigned) g[i] > last) {
            continue;
        }
        if ((unsigned) g[i] > from) {
            int r = real.close_range(from, (unsigned) g[i] - 1, flags);
            if (r != 0) {
                return r;
            }
        }
        if ((unsigned) g[i] == last) {
            return 0;
        }
        from = (unsigned) g[i] + 1;
    }
    return real.close_range(from, last, flags);
}

int close_range(unsigned first, unsigned last, int flags) {
    shim_init();
    return close_around(first, last, flags);
}

void closefrom(int lowfd) {
    shim_init();
    if (lowfd < 0) {
        lowfd = 0;
    }
    close_around((unsigned) lowfd, ~0U, 0);
}

int dup2(int oldfd, int newfd) {
    shim_init();
    ctl_evacuate(newfd);
    int r = real.dup2(oldfd, newfd);
    if (r >= 0) {
        fdkind_set(r, fdkind_get(oldfd));
    }
    return r;
}

int dup3(int oldfd, int newfd, int flags) {
    shim_init();
    ctl_evacuate(newfd);
    int r = real.dup3(oldfd, newfd, flags);
    if (r >= 0) {
        fdkind_set(r, fdkind_get(oldfd));
    }
    return r;
}

int dup(int oldfd) {
    shim_init();
    int r = real.dup(oldfd);
    if (r >= 0) {
        fdkind_set(r, fdkind_get(oldfd));
    }
    return r;
}

/* Every fcntl argument is an int, a long or a pointer: on LP64 a long carries all three. */
static int guarded_fcntl(int (*fn)(int, int, ...), int fd, int cmd, long arg) {
    if (is_guarded(fd) && (cmd == F_SETFD || cmd == F_SETFL)) {
        return 0;
    }
    int r = fn(fd, cmd, arg);
    if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) {
        fdkind_set(r, fdkind_get(fd));
    }
    return r;
}

int fcntl(int fd, int cmd, ...) {
    shim_init();
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return guarded_fcntl(real.fcntl, fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) {
    shim_init();
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return guarded_fcntl(real.fcntl64, fd, cmd, arg);
}
