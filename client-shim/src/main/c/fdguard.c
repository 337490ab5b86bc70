/*
 * The control socket must survive programs that close or overwrite fds wholesale (daemons
 * closing everything after fork, shells dup2-ing onto high numbers). Closing it is a silent
 * no-op for the program; dup2/dup3 onto its number first move it elsewhere.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

int close(int fd) {
    shim_init();
    if (fd >= 0 && fd == ctl_fd_current()) {
        return 0;
    }
    fdkind_set(fd, 0);
    return real.close(fd);
}

int close_range(unsigned first, unsigned last, int flags) {
    shim_init();
    int ctl = ctl_fd_current();
    if (ctl < 0 || (unsigned) ctl < first || (unsigned) ctl > last) {
        return real.close_range(first, last, flags);
    }
    int r = 0;
    if ((unsigned) ctl > first) {
        r = real.close_range(first, (unsigned) ctl - 1, flags);
    }
    if (r == 0 && (unsigned) ctl < last) {
        r = real.close_range((unsigned) ctl + 1, last, flags);
    }
    return r;
}

void closefrom(int lowfd) {
    shim_init();
    int ctl = ctl_fd_current();
    if (ctl < 0 || ctl < lowfd) {
        real.closefrom(lowfd);
        return;
    }
    if (ctl > lowfd) {
        real.close_range((unsigned) lowfd, (unsigned) ctl - 1, 0);
    }
    real.close_range((unsigned) ctl + 1, ~0U, 0);
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
    if (fd >= 0 && fd == ctl_fd_current() && (cmd == F_SETFD || cmd == F_SETFL)) {
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
