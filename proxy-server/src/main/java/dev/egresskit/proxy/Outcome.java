package dev.egresskit.proxy;

/**
 * How a proxied connection ended: the {@code reason} label of
 * {@code proxy_connections_failed_total} and the {@code outcome} field of the per-connection log
 * line.
 */
enum Outcome {
  // Ends of a relay (counted as completed).
  COMPLETED("completed"),
  IDLE_TIMEOUT("idle_timeout"),
  RELAY_ERROR("relay_error"),
  // Ends before a relay started (counted as failed, by reason).
  PROTOCOL_ERROR("protocol_error"),
  GREETING_TIMEOUT("greeting_timeout"),
  AUTH_TIMEOUT("auth_timeout"),
  REQUEST_TIMEOUT("request_timeout"),
  NO_ACCEPTABLE_METHOD("no_acceptable_method"),
  AUTH_FAILED("auth_failed"),
  AUTH_RATE_LIMITED("auth_rate_limited"),
  AUTH_OVERLOADED("auth_overloaded"),
  SOURCE_NOT_ALLOWED("source_not_allowed"),
  PORT_NOT_ALLOWED("port_not_allowed"),
  DESTINATION_NOT_ALLOWED("destination_not_allowed"),
  BIND_FAILED("bind_failed"),
  CONNECT_FAILED("connect_failed"),
  CONNECT_TIMEOUT("connect_timeout"),
  COMMAND_NOT_SUPPORTED("command_not_supported"),
  ADDRESS_TYPE_NOT_SUPPORTED("address_type_not_supported"),
  DOMAIN_NOT_SUPPORTED("domain_not_supported"),
  BAD_SEQUENCE("bad_sequence"),
  CLIENT_CLOSED("client_closed"),
  // Either: closed by a server shutdown.
  SHUTDOWN("shutdown");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** Whether this outcome can only end a relay (never a failed handshake). */
  boolean relayOnly() {
    return this == COMPLETED || this == IDLE_TIMEOUT || this == RELAY_ERROR;
  }
}
