package dev.egresskit.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One session as HAProxy logged it with the harness's {@code log-format}.
 *
 * @param ppSrc  {@code %ci:%cp}: the client address, taken from the PROXY header
 * @param ppDst  the destination, taken from the PROXY header
 * @param server {@code %si:%sp}: where HAProxy connected
 * @param outSrc {@code %bi:%bp}: HAProxy's own outbound source address
 * @param term   {@code %ts}: the termination state, {@code --} for a clean end
 */
record HaproxyLogLine(String ppSrc, String ppDst, String server, String outSrc, String term) {

  private static final Pattern LINE = Pattern.compile(
      "pp_src=(\\S+) pp_dst=(\\S+) server=(\\S+) out_src=(\\S+) term=(\\S+)");

  /** Every session line in an HAProxy log, in order; other lines (warnings, notices) are skipped. */
  static List<HaproxyLogLine> parse(String log) {
    List<HaproxyLogLine> lines = new ArrayList<>();
    for (String line : log.split("\n", -1)) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        lines.add(new HaproxyLogLine(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
      }
    }
    return lines;
  }
}
