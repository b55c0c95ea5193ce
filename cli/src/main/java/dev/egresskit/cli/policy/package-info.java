/**
 * The commands that load a policy and report what it builds: {@code resolve} (sources and pools
 * for names) and {@code check} (validation, lint warnings and every definition found).
 */
package dev.egresskit.cli.policy;
