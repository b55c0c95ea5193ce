package dev.egresskit.core.policy.kumo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The names of KumoMTA's {@code kumo} API that configure the rest of an MTA (listeners, spools,
 * queues, logs, DNS, DKIM, message handling, external services). They accept their arguments,
 * return a value of the documented shape where a policy uses the result, and do nothing else;
 * {@link KumoLibrary#call} records each call.
 */
final class InertFunctions {
  /** Return nothing. */
  private static final List<String> RETURN_NIL = List.of(
      "start_esmtp_listener", "define_spool",
      "configure_local_logs", "configure_log_hook", "configure_accounting_db_path",
      "configure_bounce_classifier", "configure_redis_throttles",
      "suspend_delivery_when_spool_unhealthy", "set_diagnostic_log_filter",
      "set_httpinject_threads", "set_httpinject_recipient_rate_limit", "set_smtpsrv_threads",
      "set_timeq_spawn_reinsertion", "set_qmaint_threads", "set_ready_qmaint_threads",
      "set_readyq_threads", "set_spoolin_threads", "set_logging_threads",
      "set_max_spare_lua_contexts", "set_max_lua_context_use_count", "set_max_lua_context_age",
      "set_lua_gc_on_put", "set_lruttl_cache_capacity", "set_config_monitor_globs",
      "set_memory_hard_limit", "set_memory_low_thresh", "set_memory_soft_limit",
      "bump_config_epoch", "enable_memory_callstack_tracking", "reject", "disconnect",
      "spawn_task", "spawn_thread_pool", "sleep", "inject_message",
      "apply_supplemental_trace_header", "generate_rfc3464_message",
      "dns.configure_resolver", "dns.configure_unbound_resolver", "dns.define_resolver",
      "dns.load_resolv_conf", "dns.set_mta_sts_enabled", "dns.set_mx_concurrency_limit",
      "dns.set_mx_negative_cache_ttl", "dns.set_mx_timeout", "dns.rbl_lookup",
      "dkim.set_signing_threads", "aaa.configure_acct_log", "aaa.set_acl_cache_ttl",
      "aaa.set_check_cache_ttl", "aaa.set_fall_back_to_acl_map", "amqp.basic_publish",
      "api.inject.inject_v1", "counter_series.delta", "counter_series.increment",
      "counter_series.observe", "nats.close", "nats.publish", "secrets.load", "time.sleep",
      "xfer.cancel_xfer", "xfer.xfer", "xfer.xfer_in_requeue");
  /** Return their parameter table: constructors whose result a policy returns or reads. */
  private static final List<String> RETURN_PARAMS = List.of(
      "make_queue_config", "make_egress_path", "make_listener_domain", "make_message",
      "aaa.make_access_control_list", "aaa.make_http_url_resource", "aaa.auth_info",
      "cidr.make_map", "domain_map.new", "regex_set_map.new", "counter_series.define",
      "mpsc.define", "dkim.rsa_sha256_signer", "dkim.ed25519_signer", "http.build_client",
      "amqp.build_client", "kafka.build_producer", "nats.connect", "jsonl.new_tailer",
      "jsonl.new_multi_tailer", "mimepart.builder", "mimepart.new_binary",
      "mimepart.new_html", "mimepart.new_multipart", "mimepart.new_text",
      "mimepart.new_text_plain", "mimepart.parse", "shaping.load", "fs.open",
      "invoke_get_egress_path_config", "invoke_get_queue_config",
      "compute_egress_path_config_constraints", "compute_queue_config_constraints",
      "http.connect_websocket", "xfer.get_xfer_target");
  /** Return an empty list: lookups and listings whose answer EgressKit does not have. */
  private static final List<String> RETURN_EMPTY_LIST = List.of(
      "read_dir", "glob", "uncached_glob", "eval_config_monitor_globs", "fs.read_dir",
      "fs.glob", "fs.uncached_glob", "dns.lookup_addr", "dns.lookup_txt", "dns.lookup_ptr",
      "counter_series.sum", "counter_series.sum_over", "aaa.load_acl_map",
      "aaa.query_resource_access", "spf.check_host", "spf.check_msg", "file_type.from_bytes",
      "file_type.from_extension", "file_type.from_media_type", "fs.metadata_for_path",
      "fs.symlink_metadata_for_path", "crypto.aes_encrypt_block", "crypto.aes_decrypt_block",
      "crypto.aws_sign_v4", "prometheus_metrics", "http.build_url");
  /** Return a string. */
  private static final List<String> RETURN_TEXT = List.of(
      "format_queue_config_toml", "format_egress_path_config_toml",
      "format_egress_path_config_constraints");

  private InertFunctions() {}

  static void register(KumoLibrary.Builder b) {
    RETURN_NIL.forEach(name -> b.inert(name, (a, c) -> null));
    RETURN_PARAMS.forEach(name -> b.inert(name, (a, c) -> params(a)));
    RETURN_EMPTY_LIST.forEach(name -> b.inert(name, (a, c) -> List.of()));
    RETURN_TEXT.forEach(name -> b.inert(name, (a, c) -> ""));
    long memory = Runtime.getRuntime().maxMemory();
    for (String name : List.of("get_memory_hard_limit", "get_memory_soft_limit",
        "get_memory_low_thresh")) {
      b.inert(name, (a, c) -> memory);
    }
    b.inert("available_parallelism", (a, c) -> (long) Runtime.getRuntime().availableProcessors());
    b.inert("make_throttle", (a, c) -> throttle(a));
    b.inert("time.start_timer", (a, c) -> timer(System::nanoTime));
    b.inert("jsonl.new_writer", (a, c) -> logWriter());
    b.inert("dns.lookup_mx", (a, c) -> {
      Map<String, Object> mx = new LinkedHashMap<>();
      mx.put("domain_name", a.optionalString(0, "DOMAIN", ""));
      mx.put("hosts", List.of());
      mx.put("site", "");
      mx.put("by_pref", List.of());
      mx.put("is_domain_literal", false);
      mx.put("is_secure", false);
      mx.put("is_mx", false);
      return mx;
    });
    b.real("dns.reverse_ip", (a, c) -> ReverseIp.reverse(a.function(), a.string(0, "IP")));
    b.real("dns.ptr_host", (a, c) -> ReverseIp.ptrHost(a.function(), a.string(0, "IP")));
  }

  /** The first table argument, or the arguments as a list when there is none. */
  private static Object params(Args a) {
    if (a.get(0) instanceof Map<?, ?> map) {
      return map;
    }
    return a.values().isEmpty() ? Map.of() : Map.of("args", List.copyOf(a.values().stream()
        .map(v -> v == null ? "nil" : v).toList()));
  }

  /**
   * KumoMTA's latency timer: {@code timer:done()} answers the seconds since it started, the first
   * time, and nil after that; closing it ({@code local t <close> = ...}) is the same call. KumoMTA
   * also records the time in a histogram, which EgressKit does not have.
   */
  static Map<String, Object> timer(LongSupplier nanoClock) {
    long started = nanoClock.getAsLong();
    AtomicBoolean done = new AtomicBoolean();
    KumoMethod finish = new KumoMethod(args -> done.getAndSet(true) ? null
        : (nanoClock.getAsLong() - started) / 1e9);
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("done", finish);
    object.put(KumoMethod.CLOSE, finish);
    return object;
  }

  /**
   * KumoMTA's JSONL log writer, writing nothing: {@code write_line}, {@code write_record} and
   * {@code close} (also by {@code <close>}) are accepted.
   */
  private static Map<String, Object> logWriter() {
    KumoMethod nothing = new KumoMethod(args -> null);
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("write_line", nothing);
    object.put("write_record", nothing);
    object.put("close", nothing);
    object.put(KumoMethod.CLOSE, nothing);
    return object;
  }

  /** A throttle that never throttles: KumoMTA's Throttle methods, answering "not throttled". */
  private static Map<String, Object> throttle(Args a) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("throttled", false);
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("throttle", new KumoMethod(args -> state));
    object.put("sleep_if_throttled", new KumoMethod(args -> false));
    object.put("delay_message_if_throttled", new KumoMethod(args -> false));
    return object;
  }
}
