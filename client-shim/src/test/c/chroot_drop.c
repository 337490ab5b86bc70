/*
 * Privilege separation as daemons do it (vsftpd, sshd): a root process with a stack listener
 * forks a child that chroots into an empty directory and becomes nobody, where the endpoint's
 * path is gone and its policy would refuse the uid. The child still opens new stack sockets
 * (its control socket and data sockets come through the pass-fd channel it inherited), and so
 * does a grandchild it forks there. Run as root.
 */
#include "testutil.h"
#include <grp.h>
#include <sys/stat.h>

static void say(const char *who) {
    int c = tcp_connect("127.0.0.1", 7720);
    write_all(c, who, strlen(who));
    CHECK(close(c) == 0);
}

int main(void) {
    alarm(10); /* a child that cannot connect must not leave the parent in accept for ever */
    char dir[] = "/tmp/alps-chroot-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    int ls = tcp_listen("127.0.0.1", 7720);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(chroot(dir) == 0 && chdir("/") == 0);
        CHECK(setgroups(0, NULL) == 0 && setgid(65534) == 0 && setuid(65534) == 0);
        say("child");
        pid_t g = fork();
        CHECK(g >= 0);
        if (g == 0) {
            say("grandchild");
            _exit(0);
        }
        int st;
        CHECK(waitpid(g, &st, 0) == g && WIFEXITED(st) && WEXITSTATUS(st) == 0);
        _exit(0);
    }
    char seen[2][32];
    for (int i = 0; i < 2; i++) {
        int s = accept(ls, NULL, NULL);
        CHECK(s >= 0);
        size_t n = read_to_eof(s, seen[i], sizeof seen[i] - 1);
        seen[i][n] = '\0';
        close(s);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    rmdir(dir);
    CHECK(strcmp(seen[0], "child") == 0 && strcmp(seen[1], "grandchild") == 0);
    printf("after chroot and setuid: child and grandchild connected\n");
    return 0;
}
