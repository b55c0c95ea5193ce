package dev.egresskit.js;

import dev.egresskit.core.policy.ScriptLocation;

/**
 * What the {@code kumo} functions do, behind the {@link KumoBridge}. Arguments arrive exactly as
 * the script passed them (strings, numbers, {@code ScriptObjectMirror}s, {@code undefined}); each
 * method gets the script location of the calling line. A method reports a mistake in the policy
 * by throwing a {@link RuntimeException} whose message is written for the policy author; the
 * bridge raises it in the script as an {@code Error}.
 */
interface KumoApi {

  /** {@code kumo.on(event, handler)}. */
  void on(Object event, Object handler, ScriptLocation at);

  /** {@code kumo.make_egress_source({...})}: the opaque value for a validated source. */
  MadeValue makeEgressSource(Object spec, ScriptLocation at);

  /** {@code kumo.make_egress_pool({...})}: the opaque value for a validated pool. */
  MadeValue makeEgressPool(Object spec, ScriptLocation at);

  /** {@code kumo.define_egress_source({...})}. */
  void defineEgressSource(Object spec, ScriptLocation at);

  /** {@code kumo.invoke_get_egress_source(name)}: the resolved source as JSON text. */
  String invokeGetEgressSource(Object name, ScriptLocation at);

  /** {@code kumo.invoke_get_egress_pool(name)}: the resolved pool as JSON text. */
  String invokeGetEgressPool(Object name, ScriptLocation at);

  /** {@code kumo.json_load(path)}: the data file as JSON text. */
  String jsonLoad(Object path, ScriptLocation at);

  /** {@code kumo.toml_load(path)}: the data file as JSON text. */
  String tomlLoad(Object path, ScriptLocation at);

  /** {@code load(path)}: another script from the policy folder. */
  ScriptSource loadScript(Object path, ScriptLocation at);

  /**
   * A script's text and the name its errors and stack frames show.
   *
   * @param name the name, e.g. {@code lib/sources.js}
   * @param text the source text
   */
  record ScriptSource(String name, String text) {}
}
