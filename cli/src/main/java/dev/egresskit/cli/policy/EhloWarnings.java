package dev.egresskit.cli.policy;

import dev.egresskit.core.grammar.EhloNames;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.ScriptLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code check}'s warnings about EHLO names that are valid but commonly refused: a bare IP
 * address, where RFC 5321 wants an address literal ({@code [192.0.2.1]},
 * {@code [IPv6:2001:db8::1]}). KumoMTA sends such a name as written, so it is not an error.
 */
final class EhloWarnings {
  private EhloWarnings() {}

  /** One warning per source whose {@code ehlo_domain} is a bare IP address. */
  static List<PolicyLint.Warning> of(String scriptName, List<EgressSource> sources) {
    List<PolicyLint.Warning> out = new ArrayList<>();
    for (EgressSource source : sources) {
      source.ehloDomain().filter(EhloNames::isBareIpAddress).ifPresent(ehlo -> {
        String literal = ehlo.indexOf(':') >= 0
            ? "[IPv6:" + IpLiterals.format(IpLiterals.parse(ehlo)) + "]" : "[" + ehlo + "]";
        out.add(new PolicyLint.Warning(new ScriptLocation(scriptName, 0), "source '"
            + source.name() + "': ehlo_domain " + ehlo + " is a bare IP address, which SMTP"
            + " servers commonly refuse; write the address literal " + literal));
      });
    }
    return out;
  }
}
