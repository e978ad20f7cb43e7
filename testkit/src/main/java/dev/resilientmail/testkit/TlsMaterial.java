package dev.resilientmail.testkit;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed EC P-256 certificate and its key, the server's {@link SSLContext} and a
 * client socket factory that trusts exactly this certificate. Made once per certificate
 * host and kept for the life of the JVM, so TLS tests do not pay for key generation each
 * time.
 */
final class TlsMaterial {

	/** The key of the default certificate: DNS localhost and IP 127.0.0.1. */
	static final String DEFAULT_HOSTS = "";

	private static final char[] PASSWORD = "testkit".toCharArray();

	private static final Map<String, TlsMaterial> CACHE = new ConcurrentHashMap<>();

	private final X509Certificate certificate;

	private final SSLContext serverContext;

	private final SSLSocketFactory clientSocketFactory;

	private TlsMaterial(String certificateHost)
			throws GeneralSecurityException, OperatorCreationException, CertIOException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		KeyPair keys = generator.generateKeyPair();
		this.certificate = certificate(keys, certificateHost);

		KeyStore serverStore = emptyStore();
		serverStore.setKeyEntry("server", keys.getPrivate(), PASSWORD, new X509Certificate[] { this.certificate });
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(serverStore, PASSWORD);
		this.serverContext = SSLContext.getInstance("TLS");
		this.serverContext.init(keyManagers.getKeyManagers(), null, null);

		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trustStore());
		SSLContext clientContext = SSLContext.getInstance("TLS");
		clientContext.init(null, trustManagers.getTrustManagers(), null);
		this.clientSocketFactory = clientContext.getSocketFactory();
	}

	/**
	 * The material for a certificate host.
	 * @param certificateHost the only name in the certificate, or {@link #DEFAULT_HOSTS}
	 */
	static TlsMaterial forHost(String certificateHost) {
		return CACHE.computeIfAbsent(certificateHost, (host) -> {
			try {
				return new TlsMaterial(host);
			}
			catch (GeneralSecurityException | OperatorCreationException | CertIOException ex) {
				throw new IllegalStateException("cannot make a self-signed certificate for "
						+ (host.isEmpty() ? "localhost" : host) + ": " + ex.getMessage(), ex);
			}
		});
	}

	SSLContext serverContext() {
		return this.serverContext;
	}

	SSLSocketFactory clientSocketFactory() {
		return this.clientSocketFactory;
	}

	X509Certificate certificate() {
		return this.certificate;
	}

	/** A new key store holding the certificate as a trusted entry. */
	KeyStore trustStore() {
		try {
			KeyStore store = emptyStore();
			store.setCertificateEntry("fault-smtp-server", this.certificate);
			return store;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("cannot make a trust store: " + ex.getMessage(), ex);
		}
	}

	private static KeyStore emptyStore() throws GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try {
			store.load(null, null);
		}
		catch (java.io.IOException ex) {
			throw new GeneralSecurityException(ex);
		}
		return store;
	}

	private static X509Certificate certificate(KeyPair keys, String certificateHost)
			throws OperatorCreationException, CertIOException, GeneralSecurityException {
		String commonName = certificateHost.isEmpty() ? "localhost" : certificateHost;
		var name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
		Instant now = Instant.now();
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
				Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
				keys.getPublic());
		GeneralNames alternativeNames = certificateHost.isEmpty()
				? new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
						new GeneralName(GeneralName.iPAddress, "127.0.0.1") })
				: new GeneralNames(new GeneralName(
						isIpLiteral(certificateHost) ? GeneralName.iPAddress : GeneralName.dNSName, certificateHost));
		builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
		builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
		builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
		return new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
	}

	private static boolean isIpLiteral(String host) {
		if (host.indexOf(':') >= 0) {
			return true;
		}
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			if (c != '.' && (c < '0' || c > '9')) {
				return false;
			}
		}
		return true;
	}

}
