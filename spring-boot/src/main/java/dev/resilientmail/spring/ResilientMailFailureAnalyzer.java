package dev.resilientmail.spring;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;

import dev.resilientmail.classify.FailureKind;

/**
 * Explains a startup failure caused by {@code resilient-mail.*} (or the
 * {@code spring.mail.protocol} the starter cannot use): which key, which value, and what
 * is allowed. Runs before Spring Boot's generic binding analysis so that enum values and
 * durations are explained in this library's terms.
 */
final class ResilientMailFailureAnalyzer implements FailureAnalyzer, Ordered {

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidResilientMailConfigurationException invalid) {
				return analysis(invalid);
			}
			if (cause instanceof BindException bind && bind.getName().toString().startsWith("resilient-mail.")) {
				return analysis(bind);
			}
		}
		return null;
	}

	private static FailureAnalysis analysis(InvalidResilientMailConfigurationException invalid) {
		String keys = invalid.problems()
			.stream()
			.map(InvalidResilientMailConfigurationException.Problem::key)
			.collect(Collectors.joining(", "));
		return new FailureAnalysis(invalid.getMessage(), "Update your application's configuration (" + keys
				+ ") to one of the allowed values above, or remove the key to use its default.", invalid);
	}

	private static FailureAnalysis analysis(BindException bind) {
		String key = bind.getName().toString();
		ConfigurationProperty property = bind.getProperty();
		StringBuilder description = new StringBuilder("Invalid mail configuration:\n  - '").append(key).append("'");
		if (property != null) {
			description.append(" is '").append(property.getValue()).append("'");
			if (property.getOrigin() != null) {
				description.append(" (from ").append(property.getOrigin()).append(")");
			}
		}
		if (bind.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
			description.append(": list entries must be numbered from [0] without gaps; not bound: ")
				.append(unbound.getUnboundProperties()
					.stream()
					.map((unboundProperty) -> unboundProperty.getName().toString())
					.sorted()
					.collect(Collectors.joining(", ")));
		}
		else {
			description.append(": expected ").append(allowed(bind.getTarget().getType()));
		}
		return new FailureAnalysis(description.toString(), "Update your application's configuration (" + key
				+ ") to one of the allowed values above, or remove the key to use its default.", bind);
	}

	private static String allowed(ResolvableType type) {
		Class<?> target = type.resolve(Object.class);
		if (Iterable.class.isAssignableFrom(target) || target.isArray()) {
			ResolvableType element = target.isArray() ? type.getComponentType() : type.asCollection().getGeneric();
			return "a list of " + allowed(element);
		}
		if (Map.class.isAssignableFrom(target)) {
			ResolvableType map = type.asMap();
			return "entries whose keys are " + allowed(map.getGeneric(0)) + " and whose values are "
					+ allowed(map.getGeneric(1));
		}
		if (target == FailureKind.class) {
			return "one of " + DeliveryPolicyFactory.FAILURE_KINDS;
		}
		if (target.isEnum()) {
			return "one of " + Arrays.stream(target.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name())
				.collect(Collectors.joining(", "));
		}
		if (target == Duration.class) {
			return "a duration such as 500ms, 2s, 1m or 1h";
		}
		if (target == int.class || target == Integer.class) {
			return "a whole number";
		}
		if (target == double.class || target == Double.class) {
			return "a number";
		}
		if (target == boolean.class || target == Boolean.class) {
			return "true or false";
		}
		return "a value of type " + target.getSimpleName();
	}

}
