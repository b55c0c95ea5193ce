/**
 * The JavaScript implementation of the policy-engine SPI: policies written for standalone
 * Nashorn 15 ({@code --language=es6}) with the same {@code kumo} API as the Lua binding
 * ({@code kumo.on}, {@code kumo.make_egress_source({...})}, {@code kumo.make_egress_pool},
 * {@code kumo.define_egress_source}, {@code kumo.invoke_get_egress_source},
 * {@code kumo.invoke_get_egress_pool}, {@code kumo.json_load}, {@code kumo.toml_load}).
 *
 * <p>Interpreters are sandboxed by allow-list (no Java access of any kind, no
 * {@code exit}/{@code quit}, no {@code eval}, {@code load} restricted to the policy folder), never
 * shared between threads, and stopped at the handler deadline on the calling thread by checks
 * compiled into the policy.
 */
package dev.egresskit.js;
