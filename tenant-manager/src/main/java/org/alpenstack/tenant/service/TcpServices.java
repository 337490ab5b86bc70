package org.alpenstack.tenant.service;

import java.util.List;
import org.alpenstack.tenant.StackInstance;

/** The TCP side of the in-process services: echo, discard, chargen, the HTTP responder and iperf3. */
final class TcpServices {
    private TcpServices() {
    }

    /** On the instance's context; 0 or -errno. */
    static int start(ServiceSpec spec, StackInstance instance, List<InstanceService> out) {
        String name = spec.kind().name().toLowerCase();
        return switch (spec.kind()) {
            case ECHO -> TcpServer.start(name, instance, spec.port(), TcpEcho::new, out);
            case DISCARD -> TcpServer.start(name, instance, spec.port(), TcpDiscard::new, out);
            case CHARGEN -> TcpServer.start(name, instance, spec.port(), TcpChargen::new, out);
            case HTTP -> TcpServer.start(name, instance, spec.port(), HttpResponder::new, out);
            case IPERF3 -> Iperf3Server.start(instance, spec.port(), out);
        };
    }
}
