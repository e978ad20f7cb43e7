package dev.resilientmail.transport;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;

import javax.net.ssl.SSLPeerUnverifiedException;

import dev.resilientmail.internal.Printable;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.EnhancedStatusCode;

/**
 * Tells a certificate the client refused from a connection that broke during the TLS
 * handshake: waiting cannot fix a certificate, so the failure is not retried and says
 * what to change.
 */
final class TlsVerification {

	/**
	 * The server's certificate failed verification (X.7.5, cryptographic failure): a
	 * problem of the client's configuration or of the server's certificate, permanent
	 * until one of them changes.
	 */
	static final Classification CERTIFICATE_REFUSED = new Classification(FailureKind.POLICY_PERMANENT,
			FailureReason.TLS_CERTIFICATE, new EnhancedStatusCode(5, 7, 5), true, false, Optional.empty());

	private TlsVerification() {
	}

	/**
	 * Returns what to fix when the failure is a refused certificate, empty otherwise.
	 * @param cause the exception of the failed connection
	 * @param host the host name connected to
	 */
	static Optional<String> problem(Throwable cause, String host) {
		for (Throwable t = cause; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			String text = String.valueOf(t.getMessage());
			if ((t instanceof CertificateException && isNameMismatch(text))
					|| text.startsWith("Server identity does not match") || text.startsWith("Server is not trusted")) {
				return Optional.of("the server's certificate is not issued for the host name '" + host + "' ("
						+ Printable.sanitise(text) + "); connect to a name the certificate lists, or"
						+ " have the certificate reissued for this one");
			}
			if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
					|| t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
				return Optional.of("the server's certificate is not trusted (" + Printable.sanitise(text)
						+ "): self-signed, expired, or issued by an authority missing from the trust store; add"
						+ " that authority (MailDelivery.Builder.sslSocketFactory, or the JVM trust store)");
			}
		}
		return Optional.empty();
	}

	private static boolean isNameMismatch(String text) {
		return text.contains("No subject alternative") || text.contains("No name matching")
				|| text.contains("does not match");
	}

}
