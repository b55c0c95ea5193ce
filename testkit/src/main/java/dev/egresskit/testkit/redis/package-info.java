/** A real {@code redis-server} for tests and benchmarks: started, killed, paused and restarted. */
package dev.egresskit.testkit.redis;
