package org.alpenstack.tenant.service;

import java.util.ArrayList;
import java.util.List;
import org.alpenstack.kernel.socket.Errno;
import org.alpenstack.tenant.StackInstance;

/**
 * Starts an instance's in-process services, like inetd's internal ones: echo, discard and
 * chargen on UDP and TCP, the HTTP responder and the iperf3 server on TCP.
 */
public final class Services {
    private Services() {
    }

    /**
     * On the instance's context. Starts every service in {@code specs}; if one cannot bind, the
     * ones already started are stopped and IllegalStateException names the service.
     */
    public static List<InstanceService> start(StackInstance instance, List<ServiceSpec> specs) {
        List<InstanceService> started = new ArrayList<>();
        for (ServiceSpec spec : specs) {
            int r = 0;
            if (spec.kind().udp) {
                r = UdpService.start(spec.kind(), instance, spec.port(), started);
            }
            if (r >= 0) {
                r = TcpServices.start(spec, instance, started);
            }
            if (r < 0) {
                for (InstanceService s : started) {
                    s.stop();
                }
                throw new IllegalStateException("service " + spec + " cannot bind port " + spec.port() + ": "
                        + Errno.name(-r));
            }
        }
        return started;
    }
}
