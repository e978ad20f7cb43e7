package dev.resilientmail.reply;

/**
 * An enhanced mail system status code (RFC 3463, RFC 2034): {@code class.subject.detail},
 * for example {@code 5.1.1}.
 * <p>
 * The class is 2 (success), 4 (persistent transient failure) or 5 (permanent failure);
 * subject and detail are 0 to 999.
 *
 * @param codeClass the class: 2, 4 or 5
 * @param subject the subject, 0 to 999 ({@code 7} is security or policy)
 * @param detail the detail, 0 to 999
 * @since 0.1.0
 */
public record EnhancedStatusCode(int codeClass, int subject, int detail) {

	/**
	 * Validates the components.
	 * @throws IllegalArgumentException if the class is not 2, 4 or 5, or the subject or
	 * detail is outside 0 to 999
	 */
	public EnhancedStatusCode {
		if (codeClass != 2 && codeClass != 4 && codeClass != 5) {
			throw new IllegalArgumentException("enhanced status code class must be 2, 4 or 5, got " + codeClass);
		}
		if (subject < 0 || subject > 999 || detail < 0 || detail > 999) {
			throw new IllegalArgumentException(
					"enhanced status code subject and detail must be 0 to 999, got " + subject + "." + detail);
		}
	}

	/**
	 * Parses a code written like {@code 5.1.1} (1 to 3 digits for subject and detail).
	 * @param text the code
	 * @return the code
	 * @throws IllegalArgumentException if {@code text} is null or not a valid code
	 */
	public static EnhancedStatusCode parse(String text) {
		if (text == null) {
			throw new IllegalArgumentException(
					"enhanced status code is null; expected class.subject.detail like 5.1.1");
		}
		EnhancedStatusCode code = ReplyParser.enhancedCodeAt(text, 0, text.length());
		if (code == null) {
			throw new IllegalArgumentException("'" + ReplyParser.abbreviate(text)
					+ "' is not an enhanced status code; expected class.subject.detail with class 2, 4 or 5"
					+ " and 1 to 3 digits for subject and detail, like 5.1.1");
		}
		return code;
	}

	/**
	 * Returns a copy with another class, keeping subject and detail; used to carry a
	 * subject over to the class the basic reply code dictates.
	 * @param newClass 2, 4 or 5
	 * @return the code with the given class
	 */
	public EnhancedStatusCode withClass(int newClass) {
		return (newClass == this.codeClass) ? this : new EnhancedStatusCode(newClass, this.subject, this.detail);
	}

	/**
	 * Returns {@code true} for subject 7, security or policy status.
	 * @return whether the subject is 7
	 */
	public boolean isSecurityOrPolicy() {
		return this.subject == 7;
	}

	/**
	 * Returns the code in its usual notation, like {@code 5.1.1}.
	 * @return the code as text
	 */
	@Override
	public String toString() {
		return this.codeClass + "." + this.subject + "." + this.detail;
	}

}
