/**
 * The admin REST API, bound to the top-level {@code openapi.yaml}.
 *
 * <ul>
 *   <li>{@link org.alpenstack.admin.api.AdminApi}: builds the router from the contract
 *       (vertx-web-openapi-router, one handler per operationId, every request validated),
 *       problem+json errors naming the field, optional bearer token, body limit, SSE and
 *       metrics; {@code AdminApi.start(vertx, backend, options)} is the one call a server makes.</li>
 *   <li>{@link org.alpenstack.admin.api.AdminBackend}: the narrow interface the handlers call,
 *       Futures of the records in {@code model}. Two implementations:
 *       {@code tenant.TenantBackend} over tenant-manager (the real server: AF_PACKET and TAP
 *       links) and {@code local.LocalBackend} (core-kernel stacks on in-process "memory" links,
 *       for experiments and the API's own tests).</li>
 *   <li>{@code stack.StackViews}: what the API reads from and does to one NetStack (ip addr,
 *       ip route, ip neigh, ss, netstat -s, tunables, impairment), on the stack's own context.</li>
 *   <li>{@code events}: the /events stream; connection and throughput events come from
 *       periodic samples while someone listens.</li>
 *   <li>{@code capture}: pcap streaming with a small protocol/port/host filter.</li>
 *   <li>{@link org.alpenstack.admin.api.WebUi}: the dashboard's static files (module web-ui) at
 *       {@code /}; {@code WebUi.start(vertx, backend, options)} is the API plus the dashboard in
 *       one call.</li>
 * </ul>
 */
package org.alpenstack.admin.api;
