package dev.resilientmail.spring;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.StringUtils;

import dev.resilientmail.delivery.MailDelivery;

/**
 * What {@code resilient-mail.dsn.*} and {@code resilient-mail.bounces.verp-return-path}
 * add to the envelope of every message. {@link MailDelivery.Builder} checks the values
 * (the one place for those checks); this class tries them at startup, although the
 * delivery is built at first use, and names the key of each refused value.
 */
final class EnvelopeSettings {

	static final String NOTIFY_KEY = DeliveryPolicyFactory.PREFIX + "dsn.notify";

	static final String RET_KEY = DeliveryPolicyFactory.PREFIX + "dsn.ret";

	static final String VERP_KEY = DeliveryPolicyFactory.PREFIX + "bounces.verp-return-path";

	/** What a DSN returns when {@code ret} is unset: enough to match the bounce. */
	private static final String DEFAULT_RET = "HDRS";

	private EnvelopeSettings() {
	}

	/**
	 * Returns the customizer that applies the settings, or null when none is set.
	 * @param properties the bound properties
	 * @return the customizer, or null
	 * @throws InvalidResilientMailConfigurationException listing every refused value
	 */
	static MailDeliveryCustomizer customizer(ResilientMailProperties properties) {
		List<String> notifyList = properties.getDsn().getNotify();
		String notify = (notifyList != null && !notifyList.isEmpty()) ? String.join(",", notifyList) : null;
		String ret = properties.getDsn().getRet();
		String verp = properties.getBounces().getVerpReturnPath();
		boolean dsn = notify != null || ret != null;
		boolean verpSet = StringUtils.hasLength(verp);
		if (!dsn && !verpSet) {
			return null;
		}
		List<InvalidResilientMailConfigurationException.Problem> problems = new ArrayList<>();
		MailDelivery.Builder probe = MailDelivery.builder("localhost", 25);
		if (dsn) {
			// each value tried with a valid partner, so that both are reported
			check(problems, NOTIFY_KEY, notify, (notify != null) ? "" : " (" + RET_KEY + " needs it)",
					() -> probe.dsn(notify, DEFAULT_RET));
			if (ret != null) {
				check(problems, RET_KEY, ret, "", () -> probe.dsn("NEVER", ret));
			}
		}
		if (verpSet) {
			check(problems, VERP_KEY, verp, "", () -> probe.verpReturnPath(verp));
		}
		if (!problems.isEmpty()) {
			throw new InvalidResilientMailConfigurationException(problems);
		}
		return (builder) -> {
			if (notify != null) {
				builder.dsn(notify, (ret != null) ? ret : DEFAULT_RET);
			}
			if (verpSet) {
				builder.verpReturnPath(verp);
			}
		};
	}

	private static void check(List<InvalidResilientMailConfigurationException.Problem> problems, String key,
			String value, String note, Runnable attempt) {
		try {
			attempt.run();
		}
		catch (IllegalArgumentException ex) {
			problems.add(new InvalidResilientMailConfigurationException.Problem(key, value,
					InvalidResilientMailConfigurationException.Problem.allowed(ex) + note));
		}
	}

}
