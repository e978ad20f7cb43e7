package dev.resilientmail.spring;

import dev.resilientmail.delivery.MailDelivery;

/**
 * Customizes the {@link MailDelivery} behind the auto-configured {@code JavaMailSender}
 * before it is built: a listener, more async threads, Resilience4j registries. Every bean
 * of this type is applied, in order.
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
