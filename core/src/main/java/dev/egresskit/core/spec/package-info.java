/**
 * The boundary between scripts and the model: {@link dev.egresskit.core.spec.RawSpec} (what a
 * script handed over, with its location), the field grammars, and the single entry point
 * {@link dev.egresskit.core.spec.EgressSpecs} that validates a raw spec and reports every problem
 * at once.
 */
package dev.egresskit.core.spec;
