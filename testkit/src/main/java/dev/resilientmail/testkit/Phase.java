package dev.resilientmail.testkit;

/**
 * The moments of an SMTP session at which a {@link Rule} can act.
 *
 * @since 0.1.0
 */
public enum Phase {

	/** The server's greeting, before the client sends anything. */
	GREETING,

	/** An {@code EHLO} command. */
	EHLO,

	/** A {@code HELO} command. */
	HELO,

	/** A {@code STARTTLS} command. */
	STARTTLS,

	/** An {@code AUTH} command (the whole exchange, including continuation lines). */
	AUTH,

	/** A {@code MAIL FROM} command. */
	MAIL,

	/** A {@code RCPT TO} command. */
	RCPT,

	/** A {@code DATA} command, before the message body. */
	DATA,

	/** The message body, once its first line has arrived. */
	BODY,

	/** The end of the message body (the line with a single dot): the final reply. */
	END_OF_DATA,

	/** An {@code RSET} command. */
	RSET,

	/** A {@code NOOP} command. */
	NOOP,

	/** A {@code QUIT} command. */
	QUIT,

	/** Any other command, including an empty line. */
	UNKNOWN;

	/**
	 * The phase of a command line, read from its first bytes without allocating.
	 * @param line the buffer holding the line
	 * @param length the length of the line in the buffer
	 * @return the phase, {@link #UNKNOWN} for anything not recognised
	 */
	static Phase ofCommand(byte[] line, int length) {
		if (length < 4 || (length > 4 && line[4] != ' ')) {
			if (length >= 8 && (length == 8 || line[8] == ' ') && matches(line, "STARTTLS")) {
				return STARTTLS;
			}
			return UNKNOWN;
		}
		int verb = (upper(line[0]) << 24) | (upper(line[1]) << 16) | (upper(line[2]) << 8) | upper(line[3]);
		switch (verb) {
			case 0x45484C4F: // EHLO
				return EHLO;
			case 0x48454C4F: // HELO
				return HELO;
			case 0x4D41494C: // MAIL
				return MAIL;
			case 0x52435054: // RCPT
				return RCPT;
			case 0x44415441: // DATA
				return DATA;
			case 0x52534554: // RSET
				return RSET;
			case 0x4E4F4F50: // NOOP
				return NOOP;
			case 0x51554954: // QUIT
				return QUIT;
			case 0x41555448: // AUTH
				return AUTH;
			default:
				return UNKNOWN;
		}
	}

	private static boolean matches(byte[] line, String verb) {
		for (int i = 0; i < verb.length(); i++) {
			if (upper(line[i]) != verb.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private static int upper(byte b) {
		return (b >= 'a' && b <= 'z') ? b - 32 : b & 0xFF;
	}

}
