/*
 * A process that installs a seccomp filter has told the kernel every system call it will make
 * from then on, and a call the filter does not list kills it (sshd's pre-authentication child
 * does exactly this). The shim's own calls are on no such list: getsockname to
 * recognise a socket, socket/connect/sendto for an RPC. So once a filter is in place the shim
 * steps aside for good in that process: every wrapper hands the program's call to libc as it
 * is. Its stack sockets keep carrying their bytes (they are unix sockets); what needs an RPC
 * is gone for that process: a reset reads as EOF instead of ECONNRESET, new stack sockets,
 * socket options and names of stack sockets. Forked children inherit both filter and flag.
 * Not seen: a filter installed with the raw seccomp(2) system call rather than prctl(2), and
 * a filter inherited over exec (the new image's shim starts out attached).
 */
#include "shim.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <sys/prctl.h>

static volatile int confined;

int shim_confined(void) {
    return confined;
}

int prctl(int option, ...) {
    static int (*real_prctl)(int, ...);
    if (real_prctl == NULL) {
        real_prctl = (int (*)(int, ...)) dlsym(RTLD_NEXT, "prctl");
    }
    /* prctl takes up to four more arguments, each an unsigned long (as glibc's own prototype). */
    va_list ap;
    va_start(ap, option);
    unsigned long a2 = va_arg(ap, unsigned long);
    unsigned long a3 = va_arg(ap, unsigned long);
    unsigned long a4 = va_arg(ap, unsigned long);
    unsigned long a5 = va_arg(ap, unsigned long);
    va_end(ap);
    int r = real_prctl(option, a2, a3, a4, a5);
    if (r == 0 && option == PR_SET_SECCOMP) {
        confined = 1;
    }
    return r;
}
