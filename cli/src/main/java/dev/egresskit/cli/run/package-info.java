/**
 * The command line's composition root: {@link dev.egresskit.cli.run.AssembledRun} builds the
 * Guice injector from the shared feature modules of {@link dev.egresskit.embed.assembly.Assembly}
 * (core, the Lua and JavaScript bindings, plug-ins found with {@code --plugin}, transport: the
 * same ones the library facade uses) plus the command's own (metrics, the proxy), owns every
 * resource created along the way, and loads policies with the assembled engines. With {@code
 * embed.assembly}, the only package that imports Guice.
 */
package dev.egresskit.cli.run;
