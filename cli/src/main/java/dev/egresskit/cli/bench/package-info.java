/**
 * {@code egresskit bench policy} and {@code bench connect}: side-by-side measurements of policy
 * resolution and of connects through the routes a policy picks, with latency percentiles.
 */
package dev.egresskit.cli.bench;
