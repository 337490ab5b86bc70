package org.alpenstack.tenant.service;

/** One in-process service running on an instance's context. */
public interface InstanceService {
    /** "echo/udp", "http/tcp" ... */
    String name();

    int port();

    /** One line with the service's counters. */
    String describe();

    /** On the instance's context: closes the service's sockets. */
    void stop();
}
