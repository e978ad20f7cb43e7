package dev.resilientmail.classify;

/**
 * Why a send failed, in one word. The names are a stable vocabulary: the {@code explain}
 * command prints them and configuration refers to them.
 *
 * @since 0.1.0
 */
public enum FailureReason {

	/** No such user, address rejected, mailbox disabled or moved. */
	MAILBOX_UNKNOWN,

	/** Over quota, mailbox full. */
	MAILBOX_FULL,

	/** Greylisting: try again in a few minutes. */
	GREYLISTED,

	/** Too many messages or recipients per unit of time, sending quota exceeded. */
	RATE_LIMITED,

	/** Too many connections or concurrent sessions. */
	CONNECTION_LIMIT,

	/** The number of recipients per message was exceeded. */
	TOO_MANY_RECIPIENTS,

	/** Size limits. */
	MESSAGE_TOO_LARGE,

	/** Spam, virus, content or header policy, non-compliant message. */
	CONTENT_REJECTED,

	/** SPF, DKIM, DMARC or ARC failure. */
	SENDER_AUTHENTICATION,

	/** Reputation, block lists, PTR / reverse DNS, sender or domain blocked. */
	SENDER_BLOCKED,

	/** The client must authenticate or use TLS, or its credentials were rejected. */
	AUTHENTICATION_REQUIRED,

	/**
	 * The server's TLS certificate failed verification: not issued by a trusted authority
	 * (self-signed, private CA not in the trust store, expired) or not issued for the
	 * host name connected to. Raised by the client, never retried: waiting does not
	 * change a certificate. Fix the trust store or the host name.
	 * @since 0.2.0
	 */
	TLS_CERTIFICATE,

	/** Relaying is not permitted. */
	RELAY_DENIED,

	/** The sender or recipient domain does not exist, has no MX or a null MX. */
	DOMAIN_NOT_FOUND,

	/** Trouble on the receiving system: local error, storage, congestion, network. */
	SYSTEM_ERROR,

	/** Syntax errors, bad command sequence, unsupported parameters. */
	PROTOCOL_ERROR,

	/** No reply at all: connection refused, reset or timed out, TLS handshake failed. */
	CONNECTION_FAILED,

	/** Nothing more specific can be said. */
	UNKNOWN

}
