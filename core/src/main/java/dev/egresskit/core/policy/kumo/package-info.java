/**
 * The rest of KumoMTA's {@code kumo} API, implemented once on language-neutral values for every
 * policy binding: {@link dev.egresskit.core.policy.kumo.KumoLibrary} lists each name as real
 * (memoize, serde, string, regex, digest, encode, uuid, time, log, the sources helper's data) or
 * inert (recorded in {@link dev.egresskit.core.policy.PolicyUsage}), and
 * {@link dev.egresskit.core.policy.kumo.DataFiles} parses data files as KumoMTA does. A binding
 * converts its values to and from the neutral ones and supplies a
 * {@link dev.egresskit.core.policy.kumo.KumoContext}. Modules beside {@code kumo} (KumoMTA's
 * {@code redis}) plug in through {@link dev.egresskit.core.policy.kumo.PolicyModuleProvider};
 * each loaded policy holds its own {@link dev.egresskit.core.policy.kumo.PolicyModules}.
 */
package dev.egresskit.core.policy.kumo;
