/**
 * EgressKit as a library: {@link dev.egresskit.embed.EgressKit}, built with {@link
 * dev.egresskit.embed.EgressKit#builder()} from a policy script, resolves egress sources and
 * pools and opens connections through their routes, as Netty connections ({@link
 * dev.egresskit.embed.EgressKit#connect}) or blocking sockets ({@link
 * dev.egresskit.embed.EgressKit#openSocket}, {@link dev.egresskit.embed.EgressSocket}).
 * {@link dev.egresskit.embed.SourcePicker} chooses a source per connection (one source, or a
 * pool's weighted round robin). The parts are assembled by the Guice modules of {@link
 * dev.egresskit.embed.assembly}.
 */
package dev.egresskit.embed;
