/**
 * Jakarta Mail (Angus Mail) through EgressKit's egress sources: {@link
 * dev.egresskit.mail.EgressMail#configure} makes {@code Transport.send} leave through a source or
 * a pool of an {@link dev.egresskit.embed.EgressKit}, greeting with each picked source's EHLO
 * name ({@link dev.egresskit.mail.EgressSmtpTransport}).
 */
package dev.egresskit.mail;
