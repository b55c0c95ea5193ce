/**
 * The JavaScript implementation of the policy-engine SPI: policies written for standalone
 * Nashorn 15 ({@code --language=es6}) with the same {@code kumo} API as the Lua binding
 * ({@code kumo.on}, {@code kumo.make_egress_source({...})}, {@code kumo.make_egress_pool},
 * {@code kumo.define_egress_source}, {@code kumo.invoke_get_egress_source},
 * {@code kumo.invoke_get_egress_pool}, {@code kumo.json_load}, {@code kumo.toml_load}).
 *
 * <p>Engines are sandboxed by allow-list (no Java access of any kind, no {@code exit}/{@code quit},
 * {@code load} restricted to the policy folder) and never shared between threads.
 */
package dev.egresskit.js;
