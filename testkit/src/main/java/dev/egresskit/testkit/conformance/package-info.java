/**
 * The binding conformance suite: data-driven cases (one folder per case under
 * {@code conformance/} on the class path, with {@code case.json} and one {@code policy.<ext>}
 * per language) that every {@link dev.egresskit.core.policy.PolicyEngineProvider} must pass, so
 * that Lua and JavaScript policies mean the same thing. {@link
 * dev.egresskit.testkit.conformance.ConformanceSuite#tests} turns them into JUnit 5 dynamic tests.
 */
package dev.egresskit.testkit.conformance;
