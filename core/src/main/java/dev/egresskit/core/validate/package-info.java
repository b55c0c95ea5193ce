/**
 * Validation of what a script hands over: {@link dev.egresskit.core.validate.EgressSpecs} turns a
 * {@link dev.egresskit.core.spec.RawSpec} into a model value, reading each field with its grammar
 * ({@link dev.egresskit.core.validate.FieldReader}), applying the cross-field route rules
 * ({@link dev.egresskit.core.validate.RouteRules}) and the site rules of the
 * {@link dev.egresskit.core.spec.SourceValidator}s, and reports every problem at once.
 * {@code EgressSpecs} throws only {@link dev.egresskit.core.spec.InvalidSpecException} for any raw
 * spec.
 */
package dev.egresskit.core.validate;
