/** Test fixtures shared by core's tests (and, through the test jar, other modules). */
package dev.egresskit.core.testing;
