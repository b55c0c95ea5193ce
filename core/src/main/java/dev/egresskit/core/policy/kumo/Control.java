package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.ScriptLocation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kumo.memoize}, {@code kumo.traceback}, {@code kumo.validation_failed} and
 * {@code kumo.log_error/warn/info/debug}.
 */
final class Control {
  /** KumoMTA logs policy messages under the target {@code lua}. */
  private static final Logger LOG = LoggerFactory.getLogger("dev.egresskit.policy.lua");

  private Control() {}

  static void register(KumoLibrary.Builder b, Memoize memoize) {
    b.real("memoize", (args, ctx) -> memoize.wrap(args.function(0, "FUNCTION"),
        Memoize.params(args.table(1, "PARAMS")), ctx));
    b.real("validation_failed", (args, ctx) -> {
      ctx.usage().validationFailed("kumo.validation_failed() was called", ctx.here());
      return null;
    });
    b.real("traceback", (args, ctx) -> traceback(ctx.here()));
    b.real("log_error", (args, ctx) -> {
      LOG.error("{}: {}", ctx.here(), text(args.values()));
      return null;
    });
    b.real("log_warn", (args, ctx) -> {
      LOG.warn("{}: {}", ctx.here(), text(args.values()));
      return null;
    });
    b.real("log_info", (args, ctx) -> {
      LOG.info("{}: {}", ctx.here(), text(args.values()));
      return null;
    });
    b.real("log_debug", (args, ctx) -> {
      LOG.debug("{}: {}", ctx.here(), text(args.values()));
      return null;
    });
  }

  /** The arguments joined by spaces, tables as JSON (KumoMTA's variadic_to_string). */
  static String text(List<Object> values) {
    StringBuilder out = new StringBuilder();
    for (Object value : values) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(value instanceof String s ? s : value instanceof Long || value instanceof Double
          ? Values.numberText(value) : value == null ? "nil" : value instanceof ScriptFunction
          ? "function" : Serde.json(value));
    }
    return out.toString();
  }

  /**
   * KumoMTA's frames are those of the Lua stack; EgressKit's bindings know the calling line, so
   * the traceback holds that one frame, with KumoMTA's field names.
   */
  private static List<Object> traceback(ScriptLocation here) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("event", "Call");
    frame.put("source", "@" + here.script());
    frame.put("short_src", here.script());
    frame.put("curr_line", (long) here.line());
    frame.put("what", "Lua");
    frame.put("is_tail_call", false);
    return List.of(frame);
  }
}
