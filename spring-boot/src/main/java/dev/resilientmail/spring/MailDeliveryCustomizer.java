package dev.resilientmail.spring;

import dev.resilientmail.delivery.MailDelivery;

/**
 * Customizes the {@link MailDelivery} behind the auto-configured {@code JavaMailSender}
 * before it is built, for what {@code resilient-mail.*} and the beans the starter picks
 * up (listeners, Resilience4j registries) do not cover: a TLS socket factory with a
 * private trust store, say. Every bean of this type is applied, in order, after the
 * configured settings. The retry, rate-limit, pool and timeout policy is refined with a
 * {@link DeliveryPolicyCustomizer} instead.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface MailDeliveryCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder, already configured from {@code spring.mail.*} and
	 * {@code resilient-mail.*}
	 */
	void customize(MailDelivery.Builder builder);

}
