package dev.resilientmail.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A bare SMTP client over a plain socket, for protocol-level checks: it sends exactly the
 * bytes a test gives and reads replies line by line. Every read is bounded by a timeout.
 */
final class SmtpClient implements AutoCloseable {

	static final int TIMEOUT_MILLIS = 5_000;

	private Socket socket;

	private InputStream in;

	private OutputStream out;

	private SmtpClient(Socket socket) throws IOException {
		use(socket);
	}

	static SmtpClient connect(FaultSmtpServer server) throws IOException {
		return new SmtpClient(new Socket(server.host(), server.port()));
	}

	/** Connects and reads the greeting. */
	static SmtpClient greeted(FaultSmtpServer server) throws IOException {
		SmtpClient client = connect(server);
		client.readReply();
		return client;
	}

	/** Connects over TLS from the first byte (SMTPS). */
	static SmtpClient connectTls(FaultSmtpServer server) throws IOException {
		SSLSocket tls = (SSLSocket) server.clientSslSocketFactory().createSocket(server.host(), server.port());
		tls.setSoTimeout(TIMEOUT_MILLIS);
		tls.startHandshake();
		return new SmtpClient(tls);
	}

	private void use(Socket socket) throws IOException {
		this.socket = socket;
		socket.setSoTimeout(TIMEOUT_MILLIS);
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/** Switches to TLS on the current connection, after a 220 to STARTTLS. */
	void startTls(SSLSocketFactory factory) throws IOException {
		SSLSocket tls = (SSLSocket) factory.createSocket(this.socket, this.socket.getInetAddress().getHostAddress(),
				this.socket.getPort(), true);
		tls.setUseClientMode(true);
		tls.startHandshake();
		use(tls);
	}

	Socket socket() {
		return this.socket;
	}

	void soTimeout(int millis) throws IOException {
		this.socket.setSoTimeout(millis);
	}

	/** Sends one line with CRLF. */
	void send(String line) throws IOException {
		sendRaw(line + "\r\n");
	}

	void sendRaw(String text) throws IOException {
		this.out.write(text.getBytes(StandardCharsets.UTF_8));
		this.out.flush();
	}

	void sendRaw(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/** Sends a line and returns the whole reply. */
	String command(String line) throws IOException {
		send(line);
		return readReply();
	}

	/**
	 * Reads one reply, all its lines joined with CRLF and without the final CRLF; null
	 * when the server closed the connection first.
	 */
	String readReply() throws IOException {
		StringBuilder reply = new StringBuilder();
		while (true) {
			String line = readLine();
			if (line == null) {
				return (reply.length() == 0) ? null : reply.toString();
			}
			if (reply.length() > 0) {
				reply.append("\r\n");
			}
			reply.append(line);
			if (line.length() < 4 || line.charAt(3) != '-') {
				return reply.toString();
			}
		}
	}

	/** One line without its CRLF, or null at the end of the stream. */
	String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int c;
		while ((c = this.in.read()) != -1) {
			if (c == '\n') {
				byte[] bytes = line.toByteArray();
				int length = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, length, StandardCharsets.UTF_8);
			}
			line.write(c);
		}
		return (line.size() == 0) ? null : line.toString(StandardCharsets.UTF_8);
	}

	/** Everything the server still sends until it closes the connection. */
	String readToEnd() throws IOException {
		ByteArrayOutputStream rest = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		int read;
		try {
			while ((read = this.in.read(buffer)) != -1) {
				rest.write(buffer, 0, read);
			}
		}
		catch (SocketException ex) {
			// a reset after the last bytes counts as closed
		}
		return rest.toString(StandardCharsets.UTF_8);
	}

	/**
	 * True when the server closed the connection (end of stream or reset) with nothing
	 * more to say.
	 */
	boolean closedByServer() throws IOException {
		try {
			return this.in.read() == -1;
		}
		catch (SocketException ex) {
			return true;
		}
	}

	/** EHLO and a sender, ready for RCPT. */
	void startTransaction(String from) throws IOException {
		command("EHLO client.test");
		command("MAIL FROM:<" + from + ">");
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
