package dev.egresskit.core.policy.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InterpreterPoolTest {
  private final AtomicInteger next = new AtomicInteger(1);
  private final List<String> disposed = new ArrayList<>();

  private InterpreterPool<String> pool(int size, Duration timeout) {
    return new InterpreterPool<>(size, timeout, "i0", () -> "i" + next.getAndIncrement(),
        disposed::add);
  }

  @Test
  void theFirstInterpreterIsReusedWhileItIsFree() {
    try (InterpreterPool<String> pool = pool(3, Duration.ofSeconds(1))) {
      for (int i = 0; i < 3; i++) {
        try (InterpreterPool.Lease<String> lease = pool.lease()) {
          assertThat(lease.interpreter()).isEqualTo("i0");
        }
      }
      assertThat(pool.createdCount()).isEqualTo(1);
    }
  }

  @Test
  void busyInterpretersMakeTheNextCallerLoadAnotherUpToTheLimit() throws Exception {
    try (InterpreterPool<String> pool = pool(2, Duration.ofMillis(100))) {
      try (InterpreterPool.Lease<String> a = pool.lease()) {
        String other = CompletableFuture.supplyAsync(() -> {
          try (InterpreterPool.Lease<String> b = pool.lease()) {
            return b.interpreter();
          }
        }).get(5, TimeUnit.SECONDS);
        assertThat(a.interpreter()).isEqualTo("i0");
        assertThat(other).isEqualTo("i1");
      }
      assertThat(pool.createdCount()).isEqualTo(2);
    }
  }

  @Test
  void aFullPoolMakesCallersWaitAndThenFailClearly() throws Exception {
    try (InterpreterPool<String> pool = pool(1, Duration.ofMillis(50))) {
      try (InterpreterPool.Lease<String> held = pool.lease()) {
        CompletableFuture<Object> waiter = CompletableFuture.supplyAsync(() -> pool.lease());
        assertThatThrownBy(() -> waiter.get(5, TimeUnit.SECONDS))
            .hasCauseInstanceOf(PolicyException.class)
            .hasMessageContaining("all 1 policy interpreters stayed busy for PT0.05S");
        assertThat(held.interpreter()).isEqualTo("i0");
      }
    }
  }

  @Test
  void aLeaseIsReentrantOnTheSameThread() {
    try (InterpreterPool<String> pool = pool(1, Duration.ofMillis(50))) {
      try (InterpreterPool.Lease<String> outer = pool.lease();
          InterpreterPool.Lease<String> inner = pool.lease()) {
        assertThat(inner.nested()).isTrue();
        assertThat(inner.interpreter()).isSameAs(outer.interpreter());
      }
      try (InterpreterPool.Lease<String> again = pool.lease()) {
        assertThat(again.nested()).isFalse();
      }
    }
  }

  @Test
  void aDiscardedInterpreterIsDisposedAndReplaced() {
    try (InterpreterPool<String> pool = pool(1, Duration.ofMillis(50))) {
      try (InterpreterPool.Lease<String> lease = pool.lease();
          InterpreterPool.Lease<String> nested = pool.lease()) {
        nested.discard();
      }
      assertThat(disposed).containsExactly("i0");
      try (InterpreterPool.Lease<String> lease = pool.lease()) {
        assertThat(lease.interpreter()).isEqualTo("i1");
      }
    }
  }

  @Test
  void aFailingFactoryDoesNotLeakCapacity() {
    InterpreterPool<String> pool = new InterpreterPool<>(1, Duration.ofMillis(50), "i0",
        () -> {
          throw new PolicyException("broken policy", null);
        }, disposed::add);
    try (InterpreterPool.Lease<String> lease = pool.lease()) {
      lease.discard();
    }
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(pool::lease).hasMessage("broken policy");
    }
    pool.close();
  }

  @Test
  void closingDisposesIdleAndReturnedInterpreters() {
    InterpreterPool<String> pool = pool(2, Duration.ofMillis(50));
    InterpreterPool.Lease<String> lease = pool.lease();
    pool.close();
    assertThat(disposed).isEmpty();
    lease.close();
    assertThat(disposed).containsExactly("i0");
    assertThatThrownBy(pool::lease).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void preloadingFillsThePoolUpToItsSizeButNotWhileAnInterpreterIsLeased() {
    try (InterpreterPool<String> pool = pool(2, Duration.ofSeconds(1))) {
      try (InterpreterPool.Lease<String> busy = pool.lease()) {
        assertThat(pool.preloadOne()).isFalse();
      }
      assertThat(pool.preloadOne()).isTrue();
      assertThat(pool.preloadOne()).isFalse();
      assertThat(pool.createdCount()).isEqualTo(2);
    }
  }
}
