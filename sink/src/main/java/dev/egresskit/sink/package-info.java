/**
 * A real SMTP server for tests and the demo: {@link dev.egresskit.sink.SmtpSink} records,
 * for every session, the peer address, the addresses of an optional PROXY v1/v2 header, the EHLO
 * name and the commands, so a caller can check what a receiving server really saw. Failures can
 * be scripted per command with {@link dev.egresskit.sink.SinkScript}.
 */
package dev.egresskit.sink;
