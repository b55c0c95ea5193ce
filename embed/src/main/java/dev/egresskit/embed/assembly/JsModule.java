package dev.egresskit.embed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.ProvidesIntoMap;
import com.google.inject.multibindings.StringMapKey;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.js.JsPolicyEngineProvider;

/** The JavaScript policy engine (Nashorn), contributed to the engines map under {@code js}. */
public final class JsModule extends AbstractModule {

  @ProvidesIntoMap
  @StringMapKey("js")
  PolicyEngineProvider js() {
    return new JsPolicyEngineProvider();
  }
}
