/**
 * {@code egresskit demo}: starts real servers on loopback (a PROXY-aware SMTP sink, the project
 * SOCKS5 proxy), writes a policy folder for them, probes each route and checks what the receiving
 * server recorded against what the policy configured.
 */
package dev.egresskit.cli.demo;
