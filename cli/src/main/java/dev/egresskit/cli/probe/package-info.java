/**
 * {@code egresskit probe}: opens a real SMTP connection through the route a resolved source
 * describes and reports the phases and what the server answered.
 */
package dev.egresskit.cli.probe;
