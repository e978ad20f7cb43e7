package dev.resilientmail.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import dev.resilientmail.testkit.FaultSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every connection the capturing transport opens has {@code TCP_NODELAY}, whichever
 * socket factory made it, and after STARTTLS too;
 * {@code resilient-mail.tcp-nodelay=false} leaves Angus's default. Real sockets to the
 * testkit server, made by recording factories.
 */
class SocketTuningTests {

	private static final String USER = "app@example.com";

	private static final String PASSWORD = "secret";

	@Test
	void plainConnectionHasNoDelayBeforeTheFirstCommand() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			RecordingSocketFactory sockets = new RecordingSocketFactory();
			Properties properties = properties(server);
			properties.put("mail.smtp.socketFactory", sockets);
			CapturingSmtpTransport transport = transport(properties);
			transport.connect();
			try {
				assertThat(sockets.created).hasSize(1);
				assertThat(sockets.created.get(0).getTcpNoDelay()).isTrue();
				send(transport, properties);
			}
			finally {
				transport.close();
			}
			assertThat(server.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
		}
	}

	@Test
	void startTlsConnectionHasNoDelay() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().startTls().auth(USER, PASSWORD).start()) {
			RecordingSocketFactory sockets = new RecordingSocketFactory();
			RecordingSslSocketFactory tlsSockets = new RecordingSslSocketFactory(server.clientSslSocketFactory());
			Properties properties = properties(server);
			properties.put("mail.smtp.socketFactory", sockets);
			properties.put("mail.smtp.ssl.socketFactory", tlsSockets);
			properties.setProperty("mail.smtp.starttls.enable", "true");
			properties.setProperty("mail.smtp.starttls.required", "true");
			properties.setProperty("mail.smtp.auth", "true");
			CapturingSmtpTransport transport = transport(properties);
			transport.connect(server.host(), server.port(), USER, PASSWORD);
			try {
				assertThat(tlsSockets.created).hasSize(1);
				assertThat(tlsSockets.created.get(0).getSession().isValid()).isTrue();
				assertThat(tlsSockets.created.get(0).getTcpNoDelay()).isTrue();
				assertThat(sockets.created.get(0).getTcpNoDelay()).isTrue();
				send(transport, properties);
			}
			finally {
				transport.close();
			}
			assertThat(server.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
		}
	}

	@Test
	void settingFalseLeavesTheSocketAsItsFactoryMadeIt() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			RecordingSocketFactory sockets = new RecordingSocketFactory();
			Properties properties = properties(server);
			properties.put("mail.smtp.socketFactory", sockets);
			properties.setProperty("resilient-mail.tcp-nodelay", "false");
			CapturingSmtpTransport transport = transport(properties);
			transport.connect();
			try {
				assertThat(sockets.created.get(0).getTcpNoDelay()).isFalse();
				send(transport, properties);
			}
			finally {
				transport.close();
			}
		}
	}

	@Test
	void settingThatIsNotABooleanIsRefusedWithTheAllowedValues() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			Properties properties = properties(server);
			properties.setProperty("resilient-mail.tcp-nodelay", "yes");
			String expected = "session property resilient-mail.tcp-nodelay must be true or false, got 'yes'";
			assertThatThrownBy(() -> transport(properties)).isInstanceOf(IllegalArgumentException.class)
				.hasMessage(expected);
			// selected by mail.smtp.class, the transport says so when it connects
			Transport transport = Session.getInstance(properties).getTransport("smtp");
			assertThatThrownBy(transport::connect).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
			assertThat(server.connectionCount()).isZero();
		}
	}

	private static Properties properties(FaultSmtpServer server) {
		Properties properties = new Properties();
		properties.setProperty("mail.smtp.class", CapturingSmtpTransport.class.getName());
		properties.setProperty("mail.smtp.host", server.host());
		properties.setProperty("mail.smtp.port", String.valueOf(server.port()));
		properties.setProperty("mail.smtp.connectiontimeout", "5000");
		properties.setProperty("mail.smtp.timeout", "5000");
		return properties;
	}

	private static CapturingSmtpTransport transport(Properties properties) throws Exception {
		return CapturingSmtpTransport.of(Session.getInstance(properties), "smtp");
	}

	private static void send(CapturingSmtpTransport transport, Properties properties) throws Exception {
		MimeMessage message = new MimeMessage(Session.getInstance(properties));
		message.setFrom(new InternetAddress("sender@example.com"));
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.com"));
		message.setSubject("nodelay");
		message.setText("x".repeat(20_000));
		transport.sendMessage(message, message.getAllRecipients());
		assertThat(transport.lastDeliveryReport().acceptedRecipients()).hasSize(1);
	}

	/** Plain sockets from the JDK's factory, remembered. */
	static final class RecordingSocketFactory extends SocketFactory {

		final List<Socket> created = new CopyOnWriteArrayList<>();

		private Socket record(Socket socket) {
			this.created.add(socket);
			return socket;
		}

		@Override
		public Socket createSocket() throws IOException {
			return record(SocketFactory.getDefault().createSocket());
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return record(SocketFactory.getDefault().createSocket(host, port));
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return record(SocketFactory.getDefault().createSocket(host, port, localHost, localPort));
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return record(SocketFactory.getDefault().createSocket(host, port));
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return record(SocketFactory.getDefault().createSocket(address, port, localAddress, localPort));
		}

	}

	/** TLS sockets layered by a given factory, remembered. */
	static final class RecordingSslSocketFactory extends SSLSocketFactory {

		final List<SSLSocket> created = new CopyOnWriteArrayList<>();

		private final SSLSocketFactory delegate;

		RecordingSslSocketFactory(SSLSocketFactory delegate) {
			this.delegate = delegate;
		}

		private Socket record(Socket socket) {
			this.created.add((SSLSocket) socket);
			return socket;
		}

		@Override
		public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
			return record(this.delegate.createSocket(socket, host, port, autoClose));
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return record(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return record(this.delegate.createSocket(host, port, localHost, localPort));
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return record(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return record(this.delegate.createSocket(address, port, localAddress, localPort));
		}

		@Override
		public String[] getDefaultCipherSuites() {
			return this.delegate.getDefaultCipherSuites();
		}

		@Override
		public String[] getSupportedCipherSuites() {
			return this.delegate.getSupportedCipherSuites();
		}

	}

}
