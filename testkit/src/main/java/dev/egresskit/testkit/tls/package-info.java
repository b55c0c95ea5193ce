/** TLS material for tests: a self-signed certificate made with the JDK's keytool. */
package dev.egresskit.testkit.tls;
