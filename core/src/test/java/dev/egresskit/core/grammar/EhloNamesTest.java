package dev.egresskit.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EhloNamesTest {

  @Test
  void whatCanBeSentHasNoReason() {
    assertThat(EhloNames.check("mta1.example.com")).isNull();
    assertThat(EhloNames.check("[192.0.2.1]")).isNull();
    assertThat(EhloNames.check("bücher.example")).isNull();
  }

  @Test
  void theReasonNamesTheFirstOffendingCharacter() {
    assertThat(EhloNames.check("")).isEqualTo("the name is empty");
    assertThat(EhloNames.check("a\r\nb")).isEqualTo("control character U+000D");
    assertThat(EhloNames.check("a b")).isEqualTo("white space U+0020");
    assertThat(EhloNames.check("a\u3000b")).isEqualTo("white space U+3000");
    assertThat(EhloNames.check("a\u009bb")).isEqualTo("control character U+009B");
  }

  @Test
  void bareIpAddressesAreToldApartFromAddressLiteralsAndNames() {
    assertThat(EhloNames.isBareIpAddress("10.0.0.1")).isTrue();
    assertThat(EhloNames.isBareIpAddress("2001:db8::1")).isTrue();
    assertThat(EhloNames.isBareIpAddress("[10.0.0.1]")).isFalse();
    assertThat(EhloNames.isBareIpAddress("[IPv6:2001:db8::1]")).isFalse();
    assertThat(EhloNames.isBareIpAddress("mta1.example.com")).isFalse();
    assertThat(EhloNames.isBareIpAddress("10.0.0.1.example.com")).isFalse();
  }
}
