/**
 * Bounded waits for tests ({@link dev.egresskit.testkit.await.Await}): the one helper every
 * module's tests use to wait for a condition or a future.
 */
package dev.egresskit.testkit.await;
