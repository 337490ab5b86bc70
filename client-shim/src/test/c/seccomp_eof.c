/*
 * A process that confines itself with a seccomp filter, as sshd's pre-authentication child
 * does, and then reads its stack socket to EOF. The filter kills the process on getsockname,
 * socket and connect (the calls the shim would make of its own to ask about the EOF); the shim
 * must step aside and let the program see a plain EOF.
 */
#include "testutil.h"
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static void confine(void) {
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getsockname, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    };
    struct sock_fprog prog = { sizeof code / sizeof code[0], code };
    CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
    CHECK(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0);
}

int main(void) {
    int ls = tcp_listen("127.0.0.1", 0);
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    CHECK(getsockname(ls, (struct sockaddr *) &a, &alen) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int s = accept(ls, NULL, NULL);
        CHECK(s >= 0);
        char b;
        CHECK(read(s, &b, 1) == 1); /* the confined side is ready */
        write_all(s, "bye", 3);
        CHECK(close(s) == 0);
        return 0;
    }
    close(ls);
    int c = tcp_connect("127.0.0.1", ntohs(a.sin_port));
    confine();
    write_all(c, "r", 1);
    char buf[16];
    size_t n = read_to_eof(c, buf, sizeof buf);
    CHECK(n == 3 && memcmp(buf, "bye", 3) == 0);
    printf("confined: read 3 bytes, then EOF\n");
    fflush(stdout);
    wait_child(pid);
    return 0;
}
