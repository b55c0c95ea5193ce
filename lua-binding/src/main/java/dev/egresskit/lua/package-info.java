/**
 * The Lua policy language: {@link dev.egresskit.lua.LuaPolicyEngineProvider} implements the
 * policy-engine SPI with LuaJ's native {@code Globals}/{@code LuaValue} API: a sandboxed library
 * allow-list ({@code Sandbox}, {@code Blocked}, {@code Lua54Library}), the {@code kumo} module
 * ({@code KumoModule}), {@code package}/{@code require} ({@code LuaPackage}), compilation and Lua
 * 5.4 error wording ({@code LuaCompiler}, {@code LuaErrorText}), and a pool of interpreters
 * ({@code LuaInterpreter}). Built-in Lua helpers live under
 * {@code dev/egresskit/lua/share/} on the class path, where {@code /opt/kumomta/share} stands.
 */
package dev.egresskit.lua;
