package dev.egresskit.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaPolicyTest {
  private static final SourceLookup NO_LOOKUPS = new SourceLookup() {
    @Override
    public Map<String, Object> invokeGetEgressSource(String name) {
      throw new AssertionError("unexpected lookup");
    }

    @Override
    public Map<String, Object> invokeGetEgressPool(String name) {
      throw new AssertionError("unexpected lookup");
    }
  };

  @Test
  void secondHandlerForAnEventIsRejected() {
    // spec case 53
    JavaPolicy.Builder builder = JavaPolicy.builder().scriptName("policy.java")
        .onGetEgressSource(name -> null);

    assertThatThrownBy(() -> builder.onGetEgressSource(name -> null))
        .isInstanceOf(PolicyException.class)
        .hasMessage("get_egress_source event already has a handler defined at policy.java");
  }

  @Test
  void handlerIsCalledWithTheRequestedName() {
    JavaPolicy policy = JavaPolicy.builder()
        .onGetEgressSource(name -> JavaPolicy.made(EgressSource.named(name)))
        .build();

    assertThat(policy.hasHandler(Hook.GET_EGRESS_SOURCE)).isTrue();
    assertThat(policy.hasHandler(Hook.GET_EGRESS_POOL)).isFalse();
    Made<EgressSource> made = policy.invoke(Hook.GET_EGRESS_SOURCE, "ip-1", NO_LOOKUPS);
    assertThat(made.value().name()).isEqualTo("ip-1");
    assertThat(made.location()).isEqualTo(ScriptLocation.JAVA);
  }

  @Test
  void handlerExceptionBecomesAPolicyExceptionWithTheSameMessage() {
    IllegalStateException cause = new IllegalStateException("lookup table missing");
    JavaPolicy policy = JavaPolicy.builder().scriptName("routes.java")
        .onGetEgressSource(name -> {
          throw cause;
        }).build();

    assertThatThrownBy(() -> policy.invoke(Hook.GET_EGRESS_SOURCE, "a", NO_LOOKUPS))
        .isInstanceOf(PolicyException.class)
        .hasMessage("lookup table missing")
        .hasCause(cause)
        .satisfies(e -> assertThat(((PolicyException) e).location())
            .contains(new ScriptLocation("routes.java", 0)));
  }

  @Test
  void invokingAnUnregisteredEventFailsAsKumoMtaDoes() {
    assertThatThrownBy(() -> JavaPolicy.builder().build()
        .invoke(Hook.GET_EGRESS_POOL, "p", NO_LOOKUPS))
        .isInstanceOf(PolicyException.class)
        .hasMessage("Event get_egress_pool has not been registered");
  }

  @Test
  void laterDefinitionOfANameWins() {
    EgressSource first = EgressSource.named("ip-1");
    EgressSource second = EgressSource.named("ip-1");
    Made<EgressSource> located = new Made<>(second, new ScriptLocation("p.lua", 4));

    JavaPolicy policy = JavaPolicy.builder().define(first).define(located).build();

    assertThat(policy.definedSources()).containsOnlyKeys("ip-1");
    assertThat(policy.definedSources().get("ip-1")).isSameAs(located);
  }

  @Test
  void closedPolicyRefusesCalls() {
    JavaPolicy policy = JavaPolicy.builder()
        .onGetEgressSource(name -> JavaPolicy.made(EgressSource.named(name))).build();
    policy.close();

    assertThatThrownBy(() -> policy.invoke(Hook.GET_EGRESS_SOURCE, "a", NO_LOOKUPS))
        .hasMessage("<java>: the policy is closed");
  }
}
