/**
 * Source health shared by a fleet of EgressKit nodes through Redis: {@link
 * dev.egresskit.fleet.RedisSourceHealth} counts failures in shared windows, shares suspensions
 * with their end, tells every node over pub/sub, and answers the connect path from a local copy
 * that keeps working (as per-process health) while Redis is away. See {@code docs/fleet.md}.
 */
package dev.egresskit.fleet;
