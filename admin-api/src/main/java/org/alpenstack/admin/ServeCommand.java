package org.alpenstack.admin;

/**
 * {@code alpenstack serve}. The server with real NICs (AF_PACKET/TAP links, tenants on Vert.x
 * contexts, the admin API) is being built; until it lands, serve runs the in-memory demo and
 * says so, so the README's run command always shows the stack working.
 */
final class ServeCommand {
    private ServeCommand() {
    }

    static int run(String[] args) throws Exception {
        System.out.println("alpenstack serve: the NIC-attached server is not built yet; "
                + "running the in-memory demo instead (bin/alpenstack demo).");
        return Demo.run(new String[0]);
    }
}
