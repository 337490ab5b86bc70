/*
 * A TCP reset reaches the program as EOF on its data socket, and the wrapped read calls turn
 * that EOF into the recorded error (io.c). Two paths read past those wrappers: readv, and stdio,
 * whose buffer refills call libc's internal read. readv is wrapped here like read; for stdio,
 * the reading functions are wrapped so that an end of file on a stack stream asks the endpoint
 * whether it was a reset, and if so becomes what Linux gives: the stream's error indicator set
 * (not its EOF indicator) and errno ECONNRESET (or ETIMEDOUT ...).
 */
#include "shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <sys/uio.h>

/* The error a stack stream's EOF stood for (once, as the endpoint reports it), or 0. */
static int recorded_error(int fd) {
    uint64_t token;
    char type;
    if (fd < 0 || !stack_fd(fd, &token, &type) || type != AS_TYPE_STREAM || !eof_may_carry_error(fd)) {
        return 0;
    }
    int32_t st[3] = { 0, 0, 0 };
    size_t got = 0;
    int r = rpc(AS_STATUS, token, NULL, 0, st, sizeof st, &got, NULL);
    if (r == -ENETDOWN) {
        return -gone_swap_connection(fd); /* the server went away: reset once (gone.c) */
    }
    return r >= 0 && got >= sizeof st && st[2] > 0 ? st[2] : 0;
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt) {
    static ssize_t (*real_readv)(int, const struct iovec *, int);
    shim_init();
    if (real_readv == NULL) {
        real_readv = (ssize_t (*)(int, const struct iovec *, int)) dlsym(RTLD_NEXT, "readv");
    }
    uint64_t token;
    if (iovcnt > 0 && iov != NULL && dgram_fast(fd, &token)) {
        return dgram_recv(fd, token, iov, (size_t) iovcnt, 0, NULL, NULL, NULL);
    }
    ssize_t n = real_readv(fd, iov, iovcnt);
    if (n != 0 || !shim_enabled()) {
        return n;
    }
    size_t asked = 0;
    for (int i = 0; i < iovcnt; i++) {
        asked += iov[i].iov_len;
    }
    int saved = errno;
    int e = asked > 0 ? recorded_error(fd) : 0;
    errno = e != 0 ? e : saved;
    return e != 0 ? -1 : 0;
}

/* After a stdio read reported end of file: a reset turns it into an error, as on Linux. */
static void check_stdio_eof(FILE *f) {
    if (f == NULL || !shim_enabled()) {
        return;
    }
    int saved = errno;
    flockfile(f);
    int e = 0;
    if (f->_flags & _IO_EOF_SEEN) {
        e = recorded_error(fileno_unlocked(f));
        if (e != 0) {
            f->_flags = (f->_flags & ~_IO_EOF_SEEN) | _IO_ERR_SEEN;
        }
    }
    funlockfile(f);
    errno = e != 0 ? e : saved;
}

/* Resolves the next definition of `name` once (a benign race: every thread stores the same value). */
#define REAL(name) \
    static __typeof__(name) *real_##name; \
    if (real_##name == NULL) { real_##name = (__typeof__(name) *) dlsym(RTLD_NEXT, #name); }

/* Macros in <bits/stdio.h> at -O2 would rename our definitions. */
#undef fread_unlocked
#undef fgetc_unlocked
#undef getc

char *fgets(char *s, int n, FILE *f) {
    REAL(fgets);
    char *r = real_fgets(s, n, f);
    if (r == NULL) {
        check_stdio_eof(f);
    }
    return r;
}

char *fgets_unlocked(char *s, int n, FILE *f) {
    REAL(fgets_unlocked);
    char *r = real_fgets_unlocked(s, n, f);
    if (r == NULL) {
        check_stdio_eof(f);
    }
    return r;
}

char *__fgets_chk(char *s, size_t size, int n, FILE *f) {
    REAL(__fgets_chk);
    char *r = real___fgets_chk(s, size, n, f);
    if (r == NULL) {
        check_stdio_eof(f);
    }
    return r;
}

int fgetc(FILE *f) {
    REAL(fgetc);
    int c = real_fgetc(f);
    if (c == EOF) {
        check_stdio_eof(f);
    }
    return c;
}

int getc(FILE *f) {
    REAL(getc);
    int c = real_getc(f);
    if (c == EOF) {
        check_stdio_eof(f);
    }
    return c;
}

size_t fread(void *p, size_t size, size_t n, FILE *f) {
    REAL(fread);
    size_t r = real_fread(p, size, n, f);
    if (r < n) {
        check_stdio_eof(f);
    }
    return r;
}

size_t fread_unlocked(void *p, size_t size, size_t n, FILE *f) {
    REAL(fread_unlocked);
    size_t r = real_fread_unlocked(p, size, n, f);
    if (r < n) {
        check_stdio_eof(f);
    }
    return r;
}

size_t __fread_chk(void *p, size_t cap, size_t size, size_t n, FILE *f) {
    REAL(__fread_chk);
    size_t r = real___fread_chk(p, cap, size, n, f);
    if (r < n) {
        check_stdio_eof(f);
    }
    return r;
}

ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f) {
    REAL(getdelim);
    ssize_t r = real_getdelim(line, cap, delim, f);
    if (r < 0) {
        check_stdio_eof(f);
    }
    return r;
}

ssize_t getline(char **line, size_t *cap, FILE *f) {
    REAL(getline);
    ssize_t r = real_getline(line, cap, f);
    if (r < 0) {
        check_stdio_eof(f);
    }
    return r;
}
