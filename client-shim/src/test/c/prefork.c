/*
 * A pre-fork server: the listening socket is shared by the parent and two children, all
 * blocked in accept; six clients each get an answer naming the process that served it, and
 * more than one process must have served.
 */
#include "testutil.h"

#define WORKERS 3
#define CLIENTS 6

static void serve(int ls, int count) {
    for (int i = 0; i < count; i++) {
        int s = accept(ls, NULL, NULL);
        CHECK(s >= 0);
        char buf[16];
        CHECK(read(s, buf, sizeof buf) > 0);
        char msg[32];
        int n = snprintf(msg, sizeof msg, "pid %d\n", getpid());
        write_all(s, msg, (size_t) n);
        close(s);
    }
}

int main(void) {
    int ls = tcp_listen("127.0.0.1", 7300);
    pid_t workers[WORKERS - 1];
    for (int i = 0; i < WORKERS - 1; i++) {
        workers[i] = fork();
        CHECK(workers[i] >= 0);
        if (workers[i] == 0) {
            serve(ls, CLIENTS / WORKERS);
            return 0;
        }
    }
    pid_t client = fork();
    CHECK(client >= 0);
    if (client == 0) {
        close(ls);
        char seen[CLIENTS][32];
        int distinct = 0;
        for (int i = 0; i < CLIENTS; i++) {
            int c = tcp_connect("127.0.0.1", 7300);
            write_all(c, "hi", 2);
            size_t n = read_to_eof(c, seen[i], sizeof seen[i] - 1);
            seen[i][n] = '\0';
            close(c);
            int dup = 0;
            for (int j = 0; j < i; j++) {
                dup |= strcmp(seen[i], seen[j]) == 0;
            }
            distinct += !dup;
            /* Give the others a turn: a process that just accepted is back in accept first. */
            usleep(20000);
        }
        printf("served by %d processes\n", distinct);
        return distinct >= 2 ? 0 : 1;
    }
    serve(ls, CLIENTS / WORKERS);
    wait_child(client);
    for (int i = 0; i < WORKERS - 1; i++) {
        wait_child(workers[i]);
    }
    printf("all workers done\n");
    return 0;
}
