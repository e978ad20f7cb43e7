package dev.resilientmail.spring;

import dev.resilientmail.delivery.DeliveryPolicy;

/**
 * Refines the {@link DeliveryPolicy} the starter builds from {@code resilient-mail.*}:
 * the builder arrives with every configured value set, and the customizer changes only
 * what it must (a wait computed at runtime, a rule from a database), so the YAML keeps
 * applying to everything else. Every bean of this type is applied, in {@code @Order}.
 * <p>
 * A customizer that sets an invalid value stops startup the way a bad YAML value does,
 * with the value, what is allowed and the customizer named. A {@code DeliveryPolicy} bean
 * of the application, by contrast, replaces the configured policy entirely (Spring Boot's
 * rule: customizers refine, beans replace); the starter then warns about every
 * {@code resilient-mail.*} policy key it ignores.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface DeliveryPolicyCustomizer {

	/**
	 * Customizes the policy before it is built.
	 * @param builder the builder, already holding the {@code resilient-mail.*} values
	 */
	void customize(DeliveryPolicy.Builder builder);

}
