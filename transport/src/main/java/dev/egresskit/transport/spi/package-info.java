/**
 * The connect-strategy SPI: one {@link dev.egresskit.transport.spi.ConnectStrategyFactory} per
 * {@link dev.egresskit.core.model.Route} type, discovered with {@link java.util.ServiceLoader}.
 *
 * <p>A strategy says where the TCP connection goes ({@link
 * dev.egresskit.transport.spi.ConnectStrategy#proxy()}) and runs the handshake on the connected
 * channel ({@link dev.egresskit.transport.spi.ConnectStrategy#startHandshake}). The connector
 * owns everything else: suspension, the single deadline, name resolution, candidate failover,
 * binding, error combination and health recording. A plug-in jar lists its factory in
 * {@code META-INF/services/dev.egresskit.transport.spi.ConnectStrategyFactory}; a factory with a
 * higher {@link dev.egresskit.transport.spi.ConnectStrategyFactory#priority()} replaces the
 * built-in one for the same route type.
 */
package dev.egresskit.transport.spi;
