/**
 * The plug-in SPI for site rules, and the values it speaks in: a
 * {@link dev.egresskit.core.spec.SourceValidator} (found with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/dev.egresskit.core.spec.SourceValidator}) sees each source a policy
 * builds together with its {@link dev.egresskit.core.spec.RawSpec} (the fields as the script
 * handed them over, secrets redacted) and answers with {@link dev.egresskit.core.spec.Problem}s;
 * every problem of a spec is reported at once in an
 * {@link dev.egresskit.core.spec.InvalidSpecException}. Plug-ins compile against these four types
 * only; validation itself lives in {@code dev.egresskit.core.validate}.
 */
package dev.egresskit.core.spec;
