package dev.egresskit.core.policy.kumo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The objects inert functions return where KumoMTA's have methods a policy calls. */
class InertFunctionsTest {

  @Test
  void aTimerAnswersTheSecondsSinceItStartedOnceAndIsItsOwnCloseHandler() {
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    Map<String, Object> timer = InertFunctions.timer(nanos::get);
    nanos.addAndGet(2_500_000_000L);

    KumoMethod done = (KumoMethod) timer.get("done");
    assertThat(done.call(List.of())).isEqualTo(2.5);
    nanos.addAndGet(1_000_000_000L);
    assertThat(done.call(List.of())).as("KumoMTA's done() answers nil after the first").isNull();
    assertThat(timer.get(KumoMethod.CLOSE)).isSameAs(done);
  }
}
