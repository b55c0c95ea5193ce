/**
 * The Lua policy language: {@link dev.egresskit.lua.LuaPolicyEngineProvider} implements the
 * policy-engine SPI with LuaJ's native {@code Globals}/{@code LuaValue} API, a sandboxed library
 * allow-list, the {@code kumo} module and a pool of interpreters.
 */
package dev.egresskit.lua;
