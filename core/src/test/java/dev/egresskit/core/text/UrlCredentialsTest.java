package dev.egresskit.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlCredentialsTest {

  @Test
  void thePasswordIsHiddenAndTheUserKept() {
    assertThat(UrlCredentials.redact("redis://ops:s3cret@10.0.0.5:6380/2"))
        .isEqualTo("redis://ops:***@10.0.0.5:6380/2");
    assertThat(UrlCredentials.redact("redis://:s3cret@10.0.0.5"))
        .isEqualTo("redis://:***@10.0.0.5");
  }

  @Test
  void aLoneUserInfoPartIsTakenAsThePassword() {
    assertThat(UrlCredentials.redact("rediss://s3cret@cache.example:6379"))
        .isEqualTo("rediss://:***@cache.example:6379");
  }

  @Test
  void aPasswordHoldingSlashesOrAtSignsIsHiddenWhole() {
    assertThat(UrlCredentials.redact("redis://u:pa/ss@w?rd@10.0.0.5/0"))
        .isEqualTo("redis://u:***@10.0.0.5/0");
    assertThat(UrlCredentials.redact("http://user:hunter2@127.0.0.1:6379"))
        .isEqualTo("http://user:***@127.0.0.1:6379");
  }

  @Test
  void aUrlWithoutCredentialsIsUnchanged() {
    assertThat(UrlCredentials.redact("redis://127.0.0.1:6379/0")).isEqualTo("redis://127.0.0.1:6379/0");
    assertThat(UrlCredentials.redact("not a url")).isEqualTo("not a url");
    assertThat(UrlCredentials.redact(null)).isEqualTo("null");
  }
}
