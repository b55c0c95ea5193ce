package dev.egresskit.js;

import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.ScriptLocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link KumoApi} for sandbox tests: records every call with its location and converted
 * arguments, builds {@link MadeValue}s around the converted field map, and fails on request.
 */
final class RecordingKumo implements KumoApi {
  /** One recorded call. */
  record Call(String function, Object argument, ScriptLocation at) {}

  final List<Call> calls = new ArrayList<>();
  final Map<String, String> lookups = new HashMap<>();
  final Map<String, KumoApi.ScriptSource> scripts = new HashMap<>();
  RuntimeException failWith;

  private void record(String function, Object argument, ScriptLocation at) {
    calls.add(new Call(function, argument, at));
    if (failWith != null) {
      throw failWith;
    }
  }

  @Override
  public void on(Object event, Object handler, ScriptLocation at) {
    record("on", String.valueOf(event), at);
  }

  @Override
  public MadeValue makeEgressSource(Object spec, ScriptLocation at) {
    Map<String, Object> fields = JsValues.toFields("make_egress_source", spec);
    record("make_egress_source", fields, at);
    return new MadeValue(new Made<>(fields, at), "make_egress_source");
  }

  @Override
  public MadeValue makeEgressPool(Object spec, ScriptLocation at) {
    Map<String, Object> fields = JsValues.toFields("make_egress_pool", spec);
    record("make_egress_pool", fields, at);
    return new MadeValue(new Made<>(fields, at), "make_egress_pool");
  }

  @Override
  public void defineEgressSource(Object spec, ScriptLocation at) {
    record("define_egress_source", JsValues.toFields("define_egress_source", spec), at);
  }

  @Override
  public String invokeGetEgressSource(Object name, ScriptLocation at) {
    record("invoke_get_egress_source", String.valueOf(name), at);
    return lookups.get(String.valueOf(name));
  }

  @Override
  public String invokeGetEgressPool(Object name, ScriptLocation at) {
    record("invoke_get_egress_pool", String.valueOf(name), at);
    return lookups.get(String.valueOf(name));
  }

  @Override
  public String jsonLoad(Object path, ScriptLocation at) {
    record("json_load", String.valueOf(path), at);
    return lookups.get(String.valueOf(path));
  }

  @Override
  public String tomlLoad(Object path, ScriptLocation at) {
    record("toml_load", String.valueOf(path), at);
    return lookups.get(String.valueOf(path));
  }

  @Override
  public ScriptSource loadScript(Object path, ScriptLocation at) {
    record("load", String.valueOf(path), at);
    ScriptSource source = scripts.get(String.valueOf(path));
    if (source == null) {
      throw new IllegalArgumentException("load: no script '" + path + "'");
    }
    return source;
  }
}
