/*
 * stdio on stack sockets (Alpine4Linux could not do this): the server reads lines with fgets
 * and answers with fputs on FILE*s over the accepted socket; the client does the same.
 */
#include "testutil.h"

int main(void) {
    int ls = tcp_listen("127.0.0.1", 7200);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(ls);
        int c = tcp_connect("127.0.0.1", 7200);
        FILE *w = fdopen(dup(c), "w");
        FILE *r = fdopen(c, "r");
        CHECK(w != NULL && r != NULL);
        for (int i = 0; i < 100; i++) {
            fprintf(w, "line %d\n", i);
        }
        fflush(w);
        fclose(w);
        shutdown(c, SHUT_WR);
        char line[128];
        int count = 0;
        while (fgets(line, sizeof line, r) != NULL) {
            char want[64];
            snprintf(want, sizeof want, "echo: line %d\n", count);
            CHECK(strcmp(line, want) == 0);
            count++;
        }
        printf("client read %d lines\n", count);
        fclose(r);
        return count == 100 ? 0 : 1;
    }
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0);
    FILE *in = fdopen(s, "r");
    FILE *out = fdopen(dup(s), "w");
    CHECK(in != NULL && out != NULL);
    char line[128];
    while (fgets(line, sizeof line, in) != NULL) {
        fputs("echo: ", out);
        fputs(line, out);
    }
    fclose(out);
    fclose(in);
    wait_child(pid);
    printf("server done\n");
    return 0;
}
