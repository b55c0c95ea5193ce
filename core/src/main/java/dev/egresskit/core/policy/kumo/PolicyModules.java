package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PolicyModule}s of one loaded policy, one instance per
 * {@link PolicyModuleProvider} found with {@link ServiceLoader}. A binding offers each module to
 * its scripts and closes this set when the engine closes.
 */
public final class PolicyModules implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyModules.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** Lua's own libraries and globals a module may not shadow. */
  private static final Set<String> RESERVED = Set.of("kumo", "egresskit", "string", "table",
      "math", "os", "io", "utf8", "bit32", "coroutine", "debug", "package", "_G");

  private final Map<String, PolicyModule> modules;
  private boolean closed;

  private PolicyModules(Map<String, PolicyModule> modules) {
    this.modules = Collections.unmodifiableMap(modules);
  }

  /** No modules (for engines built without the class path's providers). */
  public static PolicyModules none() {
    return new PolicyModules(new TreeMap<>());
  }

  /**
   * One instance of every provider visible to the thread's context class loader (or this
   * class's loader).
   *
   * @throws IllegalStateException if two providers share a name, or a name is not allowed
   */
  public static PolicyModules load() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return load(context != null ? context : PolicyModules.class.getClassLoader());
  }

  /** One instance of every provider visible to {@code loader}. */
  public static PolicyModules load(ClassLoader loader) {
    List<PolicyModuleProvider> providers = new ArrayList<>();
    ServiceLoader.load(PolicyModuleProvider.class, loader).forEach(providers::add);
    return of(providers);
  }

  /** One instance of each of {@code providers}. */
  public static PolicyModules of(List<PolicyModuleProvider> providers) {
    Set<String> kumoNames = KumoLibrary.standard().modules();
    Map<String, PolicyModuleProvider> byName = new TreeMap<>();
    for (PolicyModuleProvider provider : providers) {
      String name = provider.name();
      if (name == null || !NAME.matcher(name).matches() || RESERVED.contains(name)
          || kumoNames.contains(name) || KumoLibrary.standard().entry(name).isPresent()) {
        throw new IllegalStateException("policy module " + provider.getClass().getName()
            + " has the name '" + name + "', which is not allowed (a Lua identifier that is"
            + " neither a kumo name nor a standard Lua library)");
      }
      PolicyModuleProvider other = byName.putIfAbsent(name, provider);
      if (other != null) {
        throw new IllegalStateException("two policy modules are named '" + name + "': "
            + other.getClass().getName() + " and " + provider.getClass().getName());
      }
    }
    Map<String, PolicyModule> created = new TreeMap<>();
    byName.forEach((name, provider) -> created.put(name, provider.create()));
    return new PolicyModules(created);
  }

  /** The module names, sorted. */
  public Set<String> names() {
    return modules.keySet();
  }

  /** The functions of {@code module} (empty for a name that is not a module). */
  public Map<String, KumoFunction> functions(String module) {
    PolicyModule found = modules.get(module);
    return found == null ? Map.of() : found.functions();
  }

  /**
   * Calls {@code module.function}.
   *
   * @throws KumoApiException if there is no such function, or the call is wrong
   */
  public Object call(String module, String function, List<Object> args, KumoContext context) {
    Objects.requireNonNull(context, "context");
    KumoFunction body = functions(module).get(function);
    if (body == null) {
      throw new KumoApiException(module + "." + function + " does not exist (the " + module
          + " module has: " + String.join(", ", new TreeMap<>(functions(module)).keySet())
          + ")");
    }
    return body.apply(new Args(module + "." + function, args), context);
  }

  /** Closes every module; a failure is logged and the others are still closed. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    modules.forEach((name, module) -> {
      try {
        module.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the policy module {} failed: {}", name, e.toString());
      }
    });
  }
}
