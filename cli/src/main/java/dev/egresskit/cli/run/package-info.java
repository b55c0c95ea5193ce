/**
 * The composition root: {@link dev.egresskit.cli.run.AssembledRun} builds the Guice injector from
 * one module per part of the system (core, metrics, the Lua and JavaScript bindings, transport,
 * the proxy, plug-ins found with {@code --plugin}), owns every resource created along the way,
 * and loads policies with the assembled engines. This is the only package that imports Guice.
 */
package dev.egresskit.cli.run;
