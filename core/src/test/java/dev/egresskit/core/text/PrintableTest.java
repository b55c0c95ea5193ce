package dev.egresskit.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void printableTextIncludingNonAsciiLettersIsUnchanged() {
    assertThat(Printable.escape("ip-1.example.net")).isEqualTo("ip-1.example.net");
    assertThat(Printable.escape("grüße – 東京")).isEqualTo("grüße – 東京");
  }

  @Test
  void controlCharactersAreWrittenAsJsonWritesThem() {
    assertThat(Printable.escape("a\nb\rc\td\u001b[31me\u0000f\u007f\u0085"))
        .isEqualTo("a\\nb\\rc\\td\\u001b[31me\\u0000f\\u007f\\u0085");
  }

  @Test
  void bidirectionalOverridesAndLineSeparatorsAreEscaped() {
    assertThat(Printable.escape("x\u202ey\u2028z\u061c")).isEqualTo("x\\u202ey\\u2028z\\u061c");
  }

  @Test
  void aBackslashIsDoubledSoTheEscapedTextIsUnambiguous() {
    assertThat(Printable.escape("a\\nb")).isEqualTo("a\\\\nb");
  }

  @Test
  void quotedTextIsOneTokenWhateverItHolds() {
    assertThat(Printable.quoted("bob\" outcome=completed\n"))
        .isEqualTo("\"bob\\\" outcome=completed\\n\"");
  }

  @Test
  void keepingLinesKeepsLineFeedsButNothingElse() {
    assertThat(Printable.escapeKeepingLines("1) a\n2) b\r\u001b[2K"))
        .isEqualTo("1) a\n2) b\\r\\u001b[2K");
  }
}
