/*
 * alpenstack-run: runs a program attached to a tenant's stack instance.
 *
 *   alpenstack-run (--tenant NAME [--socket-dir DIR] | --endpoint PATH)
 *                  [--no-sandbox] [--preload LIB] -- PROGRAM [ARGS...]
 *
 * Sets LD_PRELOAD and ALPENSTACK_ENDPOINT and, unless --no-sandbox, first moves into a fresh
 * network namespace that holds nothing but a loopback interface, so nothing the program does
 * can reach the host network behind the stack's back. Programs the preload cannot follow are
 * refused with a reason instead of silently running on the host stack: setuid/setgid programs
 * (the loader drops LD_PRELOAD for them) and static programs (they never call libc's socket).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_SOCKET_DIR "/run/alpenstack"

static void usage(void) {
    fprintf(stderr,
            "usage: alpenstack-run (--tenant NAME [--socket-dir DIR] | --endpoint PATH)\n"
            "                      [--no-sandbox] [--preload LIB] -- PROGRAM [ARGS...]\n"
            "  --tenant NAME      attach to instance NAME (endpoint DIR/NAME.sock)\n"
            "  --socket-dir DIR   where the server keeps endpoints (default " DEFAULT_SOCKET_DIR
            ", or $ALPENSTACK_SOCKET_DIR)\n"
            "  --endpoint PATH    the endpoint socket itself\n"
            "  --no-sandbox       keep the host network namespace (sockets still go to the tenant)\n"
            "  --preload LIB      the preload library (default: libalpenstack-preload.so beside this program)\n");
    exit(2);
}

/* PATH lookup as execvp would do it, so we inspect the file that will really run. */
static int resolve(const char *prog, char *out, size_t cap) {
    if (strchr(prog, '/') != NULL) {
        snprintf(out, cap, "%s", prog);
        return access(out, X_OK) == 0 ? 0 : -1;
    }
    const char *path = getenv("PATH");
    if (path == NULL) {
        path = "/usr/local/bin:/usr/bin:/bin";
    }
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t) (end - path) : strlen(path);
        snprintf(out, cap, "%.*s/%s", (int) len, len ? path : ".", prog);
        struct stat st;
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0) {
            return 0;
        }
        if (!end) {
            break;
        }
        path = end + 1;
    }
    return -1;
}

/* 1: dynamically linked ELF (has PT_INTERP), 0: static ELF, -1: not ELF (scripts run an interpreter). */
static int is_dynamic_elf(const char *file) {
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    Elf64_Ehdr eh;
    int result = -1;
    if (read(fd, &eh, sizeof eh) == (ssize_t) sizeof eh && memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0
            && eh.e_ident[EI_CLASS] == ELFCLASS64) {
        result = 0;
        for (int i = 0; i < eh.e_phnum; i++) {
            Elf64_Phdr ph;
            if (pread(fd, &ph, sizeof ph, (off_t) (eh.e_phoff + (Elf64_Off) i * eh.e_phentsize)) != (ssize_t) sizeof ph) {
                break;
            }
            if (ph.p_type == PT_INTERP) {
                result = 1;
                break;
            }
        }
    }
    close(fd);
    return result;
}

static int loopback_up(void) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    int r = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (r == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        r = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return r;
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t ignored = write(fd, text, strlen(text));
        (void) ignored;
        close(fd);
    }
}

/* A fresh network namespace; without CAP_SYS_ADMIN, inside a user namespace mapping our ids. */
static int sandbox(void) {
    if (unshare(CLONE_NEWNET) == 0) {
        return loopback_up();
    }
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
        return -1;
    }
    char map[64];
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "%u %u 1\n", uid, uid);
    write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "%u %u 1\n", gid, gid);
    write_file("/proc/self/gid_map", map);
    return loopback_up();
}

int main(int argc, char **argv) {
    const char *tenant = NULL, *endpoint = NULL, *preload = NULL;
    const char *dir = getenv("ALPENSTACK_SOCKET_DIR");
    int no_sandbox = 0;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc) {
            tenant = argv[++i];
        } else if (strcmp(argv[i], "--socket-dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (strcmp(argv[i], "--endpoint") == 0 && i + 1 < argc) {
            endpoint = argv[++i];
        } else if (strcmp(argv[i], "--preload") == 0 && i + 1 < argc) {
            preload = argv[++i];
        } else if (strcmp(argv[i], "--no-sandbox") == 0) {
            no_sandbox = 1;
        } else if (argv[i][0] == '-') {
            usage();
        } else {
            break;
        }
    }
    if (i >= argc || (tenant == NULL) == (endpoint == NULL)) {
        usage();
    }
    char ep[PATH_MAX];
    if (endpoint == NULL) {
        if (strchr(tenant, '/') != NULL || tenant[0] == '.' || tenant[0] == '\0') {
            fprintf(stderr, "alpenstack-run: bad tenant name '%s'\n", tenant);
            return 2;
        }
        snprintf(ep, sizeof ep, "%s/%s.sock", dir ? dir : DEFAULT_SOCKET_DIR, tenant);
        endpoint = ep;
    }
    struct stat st;
    if (stat(endpoint, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "alpenstack-run: no tenant endpoint at %s (is the server running and the tenant defined?)\n",
                endpoint);
        return 1;
    }
    char lib[PATH_MAX + 32];
    if (preload == NULL) {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) {
            perror("alpenstack-run: /proc/self/exe");
            return 1;
        }
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        *slash = '\0';
        snprintf(lib, sizeof lib, "%s/libalpenstack-preload.so", self);
        preload = lib;
    }
    if (access(preload, R_OK) != 0) {
        fprintf(stderr, "alpenstack-run: preload library %s: %s\n", preload, strerror(errno));
        return 1;
    }
    char prog[PATH_MAX];
    if (resolve(argv[i], prog, sizeof prog) != 0) {
        fprintf(stderr, "alpenstack-run: %s: command not found\n", argv[i]);
        return 127;
    }
    if (stat(prog, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID))) {
        fprintf(stderr, "alpenstack-run: refusing %s: it is set%s, so the loader would drop LD_PRELOAD "
                "and it would run on the host's network stack instead of tenant's\n",
                prog, (st.st_mode & S_ISUID) ? "uid" : "gid");
        return 126;
    }
    if (is_dynamic_elf(prog) == 0) {
        fprintf(stderr, "alpenstack-run: refusing %s: it is statically linked, so it never calls libc's "
                "socket functions and the preload library cannot attach it\n", prog);
        return 126;
    }
    if (!no_sandbox && sandbox() != 0) {
        fprintf(stderr, "alpenstack-run: cannot create a network namespace (%s); "
                "run as root, enable unprivileged user namespaces, or pass --no-sandbox\n", strerror(errno));
        return 1;
    }
    char abs_endpoint[PATH_MAX];
    if (realpath(endpoint, abs_endpoint) == NULL) {
        snprintf(abs_endpoint, sizeof abs_endpoint, "%s", endpoint);
    }
    const char *old = getenv("LD_PRELOAD");
    char *value;
    if (old != NULL && old[0] != '\0') {
        if (asprintf(&value, "%s:%s", preload, old) < 0) {
            return 1;
        }
    } else {
        value = strdup(preload);
    }
    setenv("LD_PRELOAD", value, 1);
    setenv("ALPENSTACK_ENDPOINT", abs_endpoint, 1);
    execv(prog, argv + i);
    fprintf(stderr, "alpenstack-run: %s: %s\n", prog, strerror(errno));
    return 126;
}
