/**
 * How EgressKit's shared parts are put together with Guice, one module per feature
 * ({@link dev.egresskit.embed.assembly.Assembly#modules}): the composition root behind the
 * {@link dev.egresskit.embed.EgressKit} facade, public so that a command line (or an application
 * with its own injector) builds on the same modules instead of wiring the parts again.
 */
package dev.egresskit.embed.assembly;
