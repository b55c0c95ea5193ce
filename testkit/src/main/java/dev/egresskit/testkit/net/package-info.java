/** Network test helpers shared by the modules' tests. */
package dev.egresskit.testkit.net;
