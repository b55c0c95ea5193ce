package dev.egresskit.proxy;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 1929 checks by a policy's {@code proxy_server_auth_rfc1929(username, password, conn_meta)}
 * handler, as KumoProxy runs it: {@code conn_meta} holds {@code peer_address} and
 * {@code local_address} ({@code ip:port}); the handler returns {@code true}, {@code false} or an
 * AuthInfo table ({@code identities = {{identity=..., context=...}}, groups = {...}}), whose first
 * identity and groups go to the connection's log line and grant nothing more. Anything else —
 * nothing, an error, a run past the handler deadline, an AuthInfo without identities — refuses
 * the client. The handler runs in the policy's sandboxed interpreter pool on the proxy's
 * authentication threads (never an event loop), so the proxy's queue bounds and failure rate
 * limit apply to it as to the users file.
 *
 * <p>The password is passed to the handler and nowhere else: failures are logged with the
 * handler's message, which a policy could make contain the password only by putting it there
 * itself; this class never adds it.
 */
public final class PolicyAuthenticator implements ProxyAuthenticator {

  /** KumoProxy's event name. */
  public static final String EVENT = "proxy_server_auth_rfc1929";

  private static final Logger LOG = LoggerFactory.getLogger(PolicyAuthenticator.class);

  private final PolicyEngine engine;

  /**
   * An authenticator over {@code engine}'s handler.
   *
   * @param engine a loaded policy with a {@value #EVENT} handler
   * @throws IllegalArgumentException if the policy has no such handler
   */
  public PolicyAuthenticator(PolicyEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
    if (!engine.handles(EVENT)) {
      throw new IllegalArgumentException(engine.scriptName() + " has no " + EVENT + " handler");
    }
  }

  @Override
  public AuthVerdict authenticate(AuthAttempt attempt) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("peer_address", NetUtil.toSocketAddressString(attempt.client()));
    meta.put("local_address", NetUtil.toSocketAddressString(attempt.local()));
    Object result;
    try {
      result = engine.call(EVENT, List.of(attempt.username(), attempt.password(), meta));
    } catch (PolicyException e) {
      LOG.warn("{} refused {}: {}", EVENT, NetUtil.toSocketAddressString(attempt.client()),
          redact(String.valueOf(e.getMessage()), attempt.password()));
      return AuthVerdict.refuse(false);
    }
    return verdict(result, attempt);
  }

  private AuthVerdict verdict(Object result, AuthAttempt attempt) {
    if (Boolean.TRUE.equals(result)) {
      return AuthVerdict.accept();
    }
    if (result instanceof Map<?, ?> info) {
      String identity = null;
      if (info.get("identities") instanceof List<?> identities) {
        for (Object entry : identities) {
          if (entry instanceof Map<?, ?> map && map.get("identity") instanceof String id) {
            identity = id;
            break;
          }
        }
      }
      if (identity != null) {
        List<String> groups = new ArrayList<>();
        if (info.get("groups") instanceof List<?> list) {
          for (Object group : list) {
            if (group instanceof String g) {
              groups.add(g);
            }
          }
        }
        return AuthVerdict.accept(identity, groups);
      }
      LOG.warn("{} returned an AuthInfo without identities for {}: refused", EVENT,
          NetUtil.toSocketAddressString(attempt.client()));
      return AuthVerdict.refuse(false);
    }
    if (result != null && !Boolean.FALSE.equals(result)) {
      LOG.warn("{} returned {} for {}: refused (expected true, false or an AuthInfo)", EVENT,
          result instanceof String ? "a string" : result.getClass().getSimpleName(),
          NetUtil.toSocketAddressString(attempt.client()));
    }
    // The username stays out of the log line: it may be a password typed in the wrong field.
    return AuthVerdict.refuse(false);
  }

  /** A policy's error could quote the password it was given; the log never does. */
  private static String redact(String message, String password) {
    return password.isEmpty() ? message : message.replace(password, "<redacted>");
  }

  @Override
  public String toString() {
    return "policy " + engine.scriptName() + " (" + EVENT + ")";
  }
}
