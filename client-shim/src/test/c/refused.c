/* A program whose user the tenant does not allow: its inet sockets fail with EACCES. */
#include "testutil.h"

int main(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    printf("socket: %d (%s)\n", s, s < 0 ? strerror(errno) : "opened");
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("unix socket: %s\n", u >= 0 ? "opened" : strerror(errno));
    return s < 0 && errno == EACCES && u >= 0 ? 0 : 1;
}
