package dev.egresskit.core.policy.support;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.core.model.Socks5Tls;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.spec.RawSpec;
import dev.egresskit.core.validate.EgressSpecs;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code kumo.make_egress_source{}} / {@code kumo.make_egress_pool{}} step shared by every
 * binding: the binding converts the script's table or object to plain Java values (the
 * {@link RawSpec} types), this class checks them through {@link EgressSpecs} (each field on its
 * own; the rules that need several fields run when resolution uses the value), and the binding
 * wraps the resulting {@link Made} in an opaque value only these functions produce.
 * It also checks what a handler returned.
 */
public final class KumoBuilders {
  private KumoBuilders() {}

  /**
   * Checks a {@code make_egress_source} table, field by field ({@link EgressSpecs#makeSource}:
   * the rules that need several fields run when resolution returns the source). A
   * {@code socks5_proxy_password} file and a {@code socks5_proxy_tls_ca} file are bound to
   * {@code files}, the policy's read rule, so each handshake reads them under that rule.
   *
   * @throws dev.egresskit.core.spec.InvalidSpecException listing every problem
   */
  public static Made<EgressSource> makeSource(Map<String, Object> fields, ScriptLocation where,
      PolicyFiles files) {
    Objects.requireNonNull(files, "files");
    Made<EgressSource> made = EgressSpecs.makeSource(new RawSpec(fields, where));
    EgressSource bound = readingWith(made.value(), files);
    return bound == made.value() ? made : new Made<>(bound, made.location(), made.fields());
  }

  /**
   * {@code source} with its password file, if any, read under {@code files}, and its
   * {@code socks5_proxy_tls_ca} file, if any, too; the same instance when there is neither.
   */
  static EgressSource readingWith(EgressSource source, PolicyFiles files) {
    if (!(source.route() instanceof Route.Socks5 socks)) {
      return source;
    }
    Optional<Socks5Credentials> credentials = socks.credentials();
    boolean passwordFile = credentials.isPresent()
        && credentials.get().password() instanceof Secret.FileRef;
    boolean caFile = socks.tls().isPresent() && socks.tls().get().caFile().isPresent();
    if (!passwordFile && !caFile) {
      return source;
    }
    if (passwordFile) {
      Secret.FileRef file = (Secret.FileRef) credentials.get().password();
      credentials = Optional.of(
          new Socks5Credentials(credentials.get().username(), file.readWith(files)));
    }
    Optional<Socks5Tls> tls = caFile
        ? Optional.of(socks.tls().get().readWith(files.reader("socks5_proxy_tls_ca")))
        : socks.tls();
    Route route = new Route.Socks5(socks.server(), socks.sourceAddress(), credentials,
        socks.bindAddress(), tls);
    return new EgressSource(source.name(), source.ehloDomain(), source.remotePort(),
        source.ttl(), source.health(), route);
  }

  /**
   * Validates a {@code make_egress_pool} table.
   *
   * @throws dev.egresskit.core.spec.InvalidSpecException listing every problem
   */
  public static Made<EgressPool> makePool(Map<String, Object> fields, ScriptLocation where) {
    return EgressSpecs.makePool(new RawSpec(fields, where));
  }

  /**
   * Checks what a handler returned.
   *
   * @param hook        the event whose handler ran
   * @param argument    the name it was called with
   * @param result      {@code null} when the handler returned nothing, a {@link Made} when it
   *                    returned a value built by a {@code kumo.make_*} function, anything else
   *                    otherwise
   * @param typeName    the script-language type of {@code result} for the error text, e.g.
   *                    {@code table} or {@code string}
   * @param handlerSite where the handler was defined (the location of the error)
   * @return the value, or {@code null} when the handler returned nothing (the resolver reports
   *     that, with its hint about a missing {@code return})
   * @throws PolicyException when the handler returned anything else
   */
  public static <T> Made<T> acceptResult(
      Hook<T> hook, String argument, Object result, String typeName, ScriptLocation handlerSite) {
    Objects.requireNonNull(hook, "hook");
    if (result == null) {
      return null;
    }
    if (result instanceof Made<?> made && hook.resultType().isInstance(made.value())) {
      @SuppressWarnings("unchecked")
      Made<T> typed = (Made<T>) made;
      return typed;
    }
    // Only errors from here on: the text is built when it is needed, not on every call.
    String prefix = handlerSite + ": " + hook.eventName() + " handler for '" + argument + "' ";
    if (result instanceof Made<?> made) {
      String other = Hook.all().stream()
          .filter(h -> h.resultType().isInstance(made.value()))
          .map(Hook::builderName).findFirst().orElse("another function");
      throw new PolicyException(prefix + "returned a value built by kumo." + other
          + " (at " + made.location() + "); it must return the value of kumo."
          + hook.builderName(), handlerSite);
    }
    throw new PolicyException(prefix + "returned a " + typeName + "; it must return the value of"
        + " kumo." + hook.builderName() + " (pass the " + typeName + " to kumo."
        + hook.builderName() + " instead of returning it)", handlerSite);
  }
}
