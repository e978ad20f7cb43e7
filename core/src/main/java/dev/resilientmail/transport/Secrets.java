package dev.resilientmail.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The credential material of a connection, in every form it may travel in (clear, base64,
 * the AUTH PLAIN blob, an initial response the client sent), so that a reply echoing any
 * of them is redacted before it reaches the transcript, a log line, an exception or a
 * listener.
 * <p>
 * Password forms are replaced in every reply; the user name only in replies to AUTH (a
 * user name is often the sender address, which later replies rightly name).
 */
final class Secrets {

	static final Secrets NONE = new Secrets(Set.of(), Set.of());

	/** Shorter tokens would match inside ordinary words and reply codes. */
	private static final int SHORTEST = 3;

	private final Set<String> secretValues;

	private final Set<String> identityValues;

	private final List<String> always;

	private final List<String> duringAuth;

	private Secrets(Set<String> secretValues, Set<String> identityValues) {
		this.secretValues = secretValues;
		this.identityValues = identityValues;
		this.always = forms(secretValues);
		this.duringAuth = forms(identityValues);
	}

	/** The forms of a user name and password (either may be null). */
	static Secrets of(String user, String password) {
		if (password == null || password.isEmpty()) {
			return (user == null || user.isEmpty()) ? NONE : new Secrets(Set.of(), Set.of(user));
		}
		Set<String> secret = new LinkedHashSet<>();
		secret.add(password);
		if (user != null && !user.isEmpty()) {
			secret.add("\0" + user + "\0" + password);
			secret.add(user + "\0" + user + "\0" + password);
		}
		Set<String> identity = new LinkedHashSet<>();
		if (user != null && !user.isEmpty()) {
			identity.add(user);
		}
		return new Secrets(secret, identity);
	}

	/**
	 * Adds what the client sent as an AUTH initial response (and, when it is base64, what
	 * it decodes to and the parts of a PLAIN blob): whatever the mechanism, the server
	 * has no reason to send it back.
	 */
	Secrets withSent(String token) {
		if (token == null || token.length() < SHORTEST || token.equals("=")) {
			return this;
		}
		Set<String> sent = new LinkedHashSet<>(this.secretValues);
		Set<String> parts = new LinkedHashSet<>(this.identityValues);
		sent.add(token);
		try {
			String decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
			sent.add(decoded);
			for (String part : decoded.split("\0")) {
				parts.add(part);
			}
		}
		catch (IllegalArgumentException ex) {
			// not base64: the token alone
		}
		return new Secrets(sent, parts);
	}

	boolean isEmpty() {
		return this.always.isEmpty() && this.duringAuth.isEmpty();
	}

	/**
	 * Returns the reply with every known secret replaced by {@code ***}; the code and
	 * separator that start each line are kept, so the reply still parses.
	 * @param reply the reply as read, may be null
	 * @param auth whether the reply answers AUTH (then the user name goes too)
	 */
	String redact(String reply, boolean auth) {
		if (reply == null || isEmpty()
				|| !(mentions(reply, this.always) || (auth && mentions(reply, this.duringAuth)))) {
			return reply;
		}
		StringBuilder out = new StringBuilder(reply.length());
		boolean changed = false;
		String[] lines = reply.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			if (i > 0) {
				out.append('\n');
			}
			int keep = Math.min(4, line.length());
			String text = line.substring(keep);
			String redacted = replace(replace(text, this.always), auth ? this.duringAuth : List.of());
			changed |= redacted != text;
			out.append(line, 0, keep).append(redacted);
		}
		return changed ? out.toString() : reply;
	}

	private static boolean mentions(String text, List<String> tokens) {
		for (String token : tokens) {
			if (text.contains(token)) {
				return true;
			}
		}
		return false;
	}

	private static String replace(String text, List<String> tokens) {
		String result = text;
		for (String token : tokens) {
			if (result.contains(token)) {
				result = result.replace(token, Capture.REDACTED);
			}
		}
		return result;
	}

	/**
	 * Each value in clear and in base64 (with and without padding), longest first so that
	 * a blob is replaced whole before a part of it.
	 */
	private static List<String> forms(Set<String> values) {
		Set<String> forms = new LinkedHashSet<>();
		Base64.Encoder base64 = Base64.getEncoder();
		for (String value : values) {
			if (value.length() < SHORTEST) {
				continue;
			}
			String encoded = base64.encodeToString(value.getBytes(StandardCharsets.UTF_8));
			forms.add(encoded);
			forms.add(encoded.replace("=", ""));
			if (value.indexOf('\0') < 0) {
				forms.add(value);
			}
		}
		List<String> sorted = new ArrayList<>(forms);
		sorted.removeIf((form) -> form.length() < SHORTEST);
		sorted.sort(Comparator.comparingInt(String::length).reversed());
		return List.copyOf(sorted);
	}

}
