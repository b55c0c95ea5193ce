/**
 * A SOCKS5 server that speaks KumoProxy's dialect: a client may first send {@code BIND} with the
 * source address it wants its outbound connection to come from, then {@code CONNECT} on the same
 * control connection; the server dials the destination from that address and relays bytes. A
 * plain RFC 1928 {@code CONNECT} (the kernel picks the source) works too, so standard clients
 * such as {@code curl --socks5} can use it. RFC 1929 username/password authentication checks
 * PBKDF2 hashes from a users file.
 *
 * <p>Entry points: {@link dev.egresskit.proxy.Socks5ProxyServer#builder()},
 * {@link dev.egresskit.proxy.ProxyCredentials} and {@link dev.egresskit.proxy.ProxyTimeouts}.
 * Everything else in this package is an implementation detail.
 */
package dev.egresskit.proxy;
