/**
 * EgressKit's one HTTP server, for small operational endpoints ({@code /metrics}, a status
 * page): {@link dev.egresskit.http.HttpEndpointServer} on Netty's HTTP/1.1 codec, with a
 * timeout for every phase of a request, bounded connections and handler concurrency, and a
 * warning when it listens beyond loopback. The CLI's {@code --metrics} serves through it, and
 * the proxy's HTTP listener is meant to.
 */
package dev.egresskit.http;
