package org.alpenstack.admin.api;

import java.util.List;
import org.alpenstack.admin.api.model.ClientInfo;

/**
 * What the shim's endpoint knows about attached processes, for /clients and for the pid and
 * program columns of /connections (like {@code ss -p}). The server's composition root passes
 * one to the backend; without one, those answers say the server cannot tell (501, or absent).
 *
 * <p>Both methods are called on the instance's own context, where the endpoint's sessions
 * live, so an implementation needs no locking if it keeps its tables there.
 */
public interface ClientDirectory {

    /** The processes attached to {@code instance} now. */
    List<ClientInfo> clients(String instance);

    /** The process that holds stack socket {@code socketId} of {@code instance}, or null. */
    ClientInfo ownerOf(String instance, int socketId);
}
