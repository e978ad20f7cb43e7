package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.EnumSet;

import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * A refused value leaves the {@link DeliveryPolicy.Builder} as it was: later setters and
 * {@code build()} neither see it nor repeat its message.
 */
class DeliveryPolicyTests {

	@Test
	void aRefusedRetryValueLeavesTheBuilderAsItWas() {
		DeliveryPolicy.Builder builder = DeliveryPolicy.builder().maxAttempts(3);

		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxAttempts(0))
			.withMessageStartingWith("maxAttempts");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.jitter(1.5)).withMessageStartingWith("jitter");

		DeliveryPolicy policy = builder.waitDuration(Duration.ofSeconds(5)).build();
		assertThat(policy.retry().maxAttempts()).isEqualTo(3);
		assertThat(policy.retry().jitter()).isEqualTo(DeliveryPolicy.defaults().retry().jitter());
		assertThat(policy.retry().waitDuration()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void everyRetrySetterRecoversFromARefusal() {
		DeliveryPolicy.Builder builder = DeliveryPolicy.builder();

		assertThatIllegalArgumentException().isThrownBy(() -> builder.retryOn(EnumSet.of(FailureKind.PERMANENT)))
			.withMessageStartingWith("retryOn");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> builder.reasonWait(FailureReason.RATE_LIMITED, Duration.ofSeconds(-1)))
			.withMessageStartingWith("reasonWait");
		assertThatNullPointerException().isThrownBy(() -> builder.maxElapsed(null));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.backoffMultiplier(Double.NaN))
			.withMessageStartingWith("backoffMultiplier");

		DeliveryPolicy policy = builder.maxWaitDuration(Duration.ofSeconds(30)).build();
		assertThat(policy.retry())
			.isEqualTo(DeliveryPolicy.defaults().toBuilder().maxWaitDuration(Duration.ofSeconds(30)).build().retry());
		assertThat(policy.retry().reasonWait()).doesNotContainKey(FailureReason.RATE_LIMITED);
		assertThat(policy.retry().retryOn()).containsExactlyInAnyOrder(FailureKind.TRANSIENT,
				FailureKind.POLICY_TRANSIENT);
	}

	@Test
	void aBuilderFromAPolicyRecoversFromARefusalToo() {
		DeliveryPolicy start = DeliveryPolicy.builder().maxAttempts(2).build();
		DeliveryPolicy.Builder builder = start.toBuilder();

		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxAttempts(-1));

		assertThat(builder.build()).isEqualTo(start);
	}

}
