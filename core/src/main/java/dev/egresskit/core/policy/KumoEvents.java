package dev.egresskit.core.policy;

import java.util.Set;

/**
 * KumoMTA's event names as {@code kumo.on} knows them. KumoMTA accepts any name (policies and
 * its helpers invent their own, e.g. {@code make.<name>.log_hook}); an event it declares
 * <em>multiple-handler</em> keeps every handler registered, in order, and any other event takes
 * one handler (a second registration is an error naming the first). EgressKit follows the same
 * declarations, so a policy KumoMTA loads registers here unchanged, and it calls only the events
 * in {@link #CALLED}: {@code pre_init} and {@code init} once after loading, {@code validate_config}
 * in {@code egresskit check}, the egress lookups, and
 * {@code egresskit proxy --policy}'s {@code proxy_init} and {@code proxy_server_auth_rfc1929}.
 */
public final class KumoEvents {

  /** The events KumoMTA declares multiple-handler (KumoMTA {@code declare_event!} ... Multiple). */
  public static final Set<String> MULTIPLE_HANDLERS = Set.of(
      "pre_init", "validate_config", "get_queue_config", "throttle_insert_ready_queue",
      "requeue_message", "should_enqueue_log_record", "get_acl_definition");

  /** Every event KumoMTA itself fires (the rest are named by policies and helpers). */
  public static final Set<String> KNOWN = Set.of(
      "pre_init", "init", "main", "validate_config", "shutdown_logging",
      "get_queue_config", "throttle_insert_ready_queue", "requeue_message", "rebind_message",
      "should_enqueue_log_record", "get_acl_definition", "get_egress_path_config",
      "get_egress_source", "get_egress_pool", "get_listener_domain",
      "smtp_server_connection_accepted", "smtp_server_ehlo", "smtp_server_mail_from",
      "smtp_server_rcpt_to", "smtp_server_data", "smtp_server_message_received",
      "smtp_server_message_deferred_inject", "smtp_server_split_transaction",
      "smtp_server_rewrite_response", "smtp_server_auth_plain",
      "smtp_server_get_dynamic_parameters", "smtp_client_rewrite_delivery_status",
      "http_message_generated", "xfer_message_received", "http_server_validate_auth_basic",
      "http_server_validate_auth_bearer", "spool_message_enumerated", "proxy_init",
      "proxy_server_auth_rfc1929", "tsa_init", "tsa_load_shaping_data");

  /** The events EgressKit calls; every other registered event is accepted and never called. */
  public static final Set<String> CALLED = Set.of(
      "pre_init", "init", "validate_config", "get_egress_source", "get_egress_pool",
      "proxy_init", "proxy_server_auth_rfc1929");

  private KumoEvents() {}

  /** Whether {@code event} keeps several handlers rather than one. */
  public static boolean multipleHandlers(String event) {
    return MULTIPLE_HANDLERS.contains(event);
  }

  /** Whether EgressKit ever calls handlers of {@code event}. */
  public static boolean called(String event) {
    return CALLED.contains(event);
  }

  /** Whether KumoMTA itself fires {@code event} ({@code log_disposition_<hook>} included). */
  public static boolean known(String event) {
    return KNOWN.contains(event) || event.startsWith("log_disposition_");
  }
}
