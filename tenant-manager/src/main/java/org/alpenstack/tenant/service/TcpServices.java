package org.alpenstack.tenant.service;

import java.util.List;
import org.alpenstack.tenant.StackInstance;

/** The TCP side of the in-process services: echo, discard, chargen and the HTTP responder. */
final class TcpServices {
    private static final int SCRATCH = 64 * 1024;

    private TcpServices() {
    }

    /** On the instance's context; 0 or -errno. */
    static int start(ServiceSpec spec, StackInstance instance, List<InstanceService> out) {
        String name = spec.kind().name().toLowerCase();
        // Echo and discard read into one buffer per service: its connections all run on the
        // instance's context and none keeps anything in it between steps.
        byte[] scratch = new byte[SCRATCH];
        return switch (spec.kind()) {
            case ECHO -> TcpServer.start(name, instance, spec.port(), () -> new TcpEcho(scratch), out);
            case DISCARD -> TcpServer.start(name, instance, spec.port(), () -> new TcpDiscard(scratch), out);
            case CHARGEN -> TcpServer.start(name, instance, spec.port(), TcpChargen::new, out);
            case HTTP -> TcpServer.start(name, instance, spec.port(), HttpResponder::new, out);
        };
    }
}
